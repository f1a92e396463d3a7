/**
 * Lists larger than one Durable Object RPC can carry. A call's arguments and
 * result are limited to 32 MiB once serialized, so a namespace of 10,000
 * pods (or 40 ConfigMaps near the 1 MiB object limit) could not be listed,
 * informer-synced or deleted as a collection. A store sends items that would
 * not fit as a stream instead (streams are not counted against the limit),
 * still read in one turn, so the list stays one consistent snapshot; callers
 * read them back with listItems().
 */
import type { ListResult } from "./protocol.js";

/**
 * Characters of items one RPC result may carry. Strings travel as one or two
 * bytes a character, so this keeps a whole result, items and all, well under
 * 32 MiB.
 */
export const RPC_ITEM_CHARS = 8 * 1024 * 1024;
/** Characters per chunk of an item stream. */
const CHUNK_CHARS = 1024 * 1024;

/** What is left of one RPC's budget, shared by the lists of one call (listMany). */
export interface RpcBudget {
  chars: number;
}

export const rpcBudget = (): RpcBudget => ({ chars: RPC_ITEM_CHARS });

/** What serialized items count against a budget: their characters and a separator each. */
export function itemChars(items: string[]): number {
  let chars = 0;
  for (const s of items) chars += s.length + 1;
  return chars;
}

/** The store's side: the result as it is if its items fit what is left of the budget, else with its items as a stream. */
export function fitForRpc(r: ListResult, budget: RpcBudget): ListResult {
  budget.chars -= itemChars(r.items);
  if (budget.chars >= 0) return r;
  return { ...r, items: [], itemStream: itemStream(r.items) };
}

/** Items newline-separated (serialized JSON never holds a raw newline), a chunk of about 1 MiB at a time. */
function itemStream(items: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let i = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (i >= items.length) return controller.close();
      const parts: string[] = [];
      let size = 0;
      while (i < items.length && (size === 0 || size + items[i].length <= CHUNK_CHARS)) {
        size += items[i].length + 1;
        parts.push(items[i++]);
      }
      controller.enqueue(encoder.encode((i - parts.length > 0 ? "\n" : "") + parts.join("\n")));
    },
  });
}

/** The caller's side: a result's items, read from its stream when the store sent one. */
export async function listItems(r: ListResult): Promise<string[]> {
  if (!r.itemStream) return r.items;
  const text = await new Response(r.itemStream).text();
  return text ? text.split("\n") : [];
}

/** listItems for callers that need the parsed objects. */
export async function listObjects<T>(r: ListResult): Promise<T[]> {
  return (await listItems(r)).map((s) => JSON.parse(s) as T);
}
