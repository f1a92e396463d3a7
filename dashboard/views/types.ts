/**
 * What a view is to the shell: the collections it needs watched and a
 * render from their current state (most views), or a mount that manages its
 * own DOM and streams (YAML editor, logs). Views get the shell's services
 * through ViewCtx instead of importing it, so the shell owns all globals.
 */
import type { Informer, KObj } from "../informer.js";
import type { KindRef } from "../kinds.js";

export interface ViewCtx {
  /** The informer of a collection this view listed in `needs`. */
  inf<T extends KObj = KObj>(k: KindRef): Informer<T>;
  /** The selected namespace; "" for all. */
  namespace(): string;
  /** Run a write, reporting success or the server's Status message. */
  act(what: string, fn: () => Promise<unknown>): Promise<boolean>;
  /** Ask for a number (scale); resolves undefined when cancelled. */
  askNumber(title: string, initial: number): Promise<number | undefined>;
  confirm(message: string): Promise<boolean>;
  params: URLSearchParams;
}

export interface View {
  title: string;
  needs: KindRef[];
  render?(ctx: ViewCtx): Node;
  /** For views with their own lifecycle: fill `el`, return the cleanup. */
  mount?(ctx: ViewCtx, el: HTMLElement): () => void;
}

/** Objects in the selected namespace (all when none is selected), sorted by namespace then name. */
export function inNamespace<T extends KObj>(items: T[], ns: string): T[] {
  return items
    .filter((o) => !ns || o.metadata.namespace === ns)
    .sort((a, b) => (a.metadata.namespace ?? "").localeCompare(b.metadata.namespace ?? "") || a.metadata.name.localeCompare(b.metadata.name));
}
