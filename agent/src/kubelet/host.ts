/**
 * What this host is: capacity (cpu, memory, ephemeral storage, pods),
 * addresses, OS facts for nodeInfo, and the pressure conditions the kubelet
 * reports. Read from node:os and /proc so a Node object tells the scheduler
 * the truth about the machine.
 */
import * as os from "node:os";
import { readFileSync, statfsSync, mkdirSync } from "node:fs";

export interface HostFacts {
  cpus: number;
  memoryBytes: number;
  ephemeralBytes: number;
  internalIP: string;
  hostname: string;
  kernel: string;
  osImage: string;
  arch: string;
  machineID: string;
  bootID: string;
}

const read = (p: string): string => {
  try {
    return readFileSync(p, "utf8").trim();
  } catch {
    return "";
  }
};

/** The first non-internal IPv4 address (the one other hosts reach), else loopback. */
export function primaryIPv4(): string {
  for (const list of Object.values(os.networkInterfaces())) {
    for (const a of list ?? []) if (a.family === "IPv4" && !a.internal && !/^(10\.88\.|cni|podman)/.test(a.address)) return a.address;
  }
  return "127.0.0.1";
}

export function hostFacts(dataDir: string): HostFacts {
  mkdirSync(dataDir, { recursive: true });
  const fs = statfsSync(dataDir);
  const pretty = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(read("/etc/os-release"))?.[1];
  return {
    cpus: os.availableParallelism(),
    memoryBytes: os.totalmem(),
    ephemeralBytes: Number(fs.blocks) * Number(fs.bsize),
    internalIP: primaryIPv4(),
    hostname: os.hostname(),
    kernel: os.release(),
    osImage: pretty ?? `${os.type()} ${os.release()}`,
    arch: ({ x64: "amd64", arm64: "arm64", arm: "arm", ia32: "386", ppc64: "ppc64le", s390x: "s390x" } as Record<string, string>)[os.arch()] ?? os.arch(),
    machineID: read("/etc/machine-id") || os.hostname(),
    bootID: read("/proc/sys/kernel/random/boot_id"),
  };
}

export interface Pressure {
  memory: boolean;
  disk: boolean;
  pid: boolean;
}

/** Kubernetes' default hard eviction thresholds: memory.available < 100Mi, nodefs.available < 10%; pids above 90% of pid_max. */
export function pressure(dataDir: string): Pressure {
  const avail = /MemAvailable:\s+(\d+) kB/.exec(read("/proc/meminfo"));
  const memAvail = avail ? Number(avail[1]) * 1024 : os.freemem();
  let disk = false;
  try {
    const fs = statfsSync(dataDir);
    disk = Number(fs.bavail) / Number(fs.blocks) < 0.1;
  } catch {
    /* unknown: no pressure reported */
  }
  const pidMax = Number(read("/proc/sys/kernel/pid_max")) || 0;
  const pids = Number(/^\S+ \S+ \S+ \d+\/(\d+)/.exec(read("/proc/loadavg"))?.[1] ?? 0);
  return { memory: memAvail < 100 * 2 ** 20, disk, pid: pidMax > 0 && pids > pidMax * 0.9 };
}
