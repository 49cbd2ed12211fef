import type { SingleMeasureRow } from './storage-fixture';

/** Dimensions of the DevOps-style table of Timestream's sample data (and Grafana's sample dashboard). */
export const DEVOPS_DIMENSIONS = [
  'region',
  'cell',
  'silo',
  'availability_zone',
  'microservice_name',
  'instance_type',
  'os_version',
  'instance_name',
  'process_name',
  'jdk_version',
] as const;

export const DEVOPS_START_MS = Date.UTC(2022, 8, 20, 12, 0, 0);
export const DEVOPS_POINTS = 24; // one reading every 5 minutes for 2 hours
const MICROSERVICES = ['apollo', 'athena', 'demeter', 'hercules', 'zeus'];
const DOUBLE_MEASURES = [
  'cpu_user',
  'cpu_system',
  'cpu_idle',
  'cpu_iowait',
  'cpu_steal',
  'cpu_nice',
  'cpu_si',
  'cpu_hi',
  'memory_used',
  'gc_pause',
];
const TASK_STATES = ['SUCCESS_WITH_RESULT', 'SUCCESS_WITH_NO_RESULT', 'FAILURE'];

/** Deterministic pseudo-random numbers (mulberry32). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Host = Record<(typeof DEVOPS_DIMENSIONS)[number], string>;

/** 2 regions x 2 cells x 2 silos x 5 microservices x 2 instances = 80 hosts. */
export function devopsHosts(): Host[] {
  const hosts: Host[] = [];
  for (const region of ['us-east-1', 'ap-northeast-1']) {
    for (const cellNo of [1, 5]) {
      for (const siloNo of [1, 2]) {
        for (const ms of MICROSERVICES) {
          for (const n of [1, 2]) {
            const cell = `${region}-cell-${cellNo}`;
            hosts.push({
              region,
              cell,
              silo: `${cell}-silo-${siloNo}`,
              availability_zone: `${region}-${siloNo + 1}`,
              microservice_name: ms,
              instance_type: 'm5.4xlarge',
              os_version: 'AL2',
              instance_name: `i-zaZswmJk-${ms}-000${n}.amazonaws.com`,
              process_name: 'server',
              jdk_version: 'JDK_11',
            });
          }
        }
      }
    }
  }
  return hosts;
}

/** Every host reports the CPU/memory/GC doubles, disk_io_reads (bigint) and task_end_state (varchar) every 5 min. */
export function devopsRows(): SingleMeasureRow[] {
  const next = random(42);
  const rows: SingleMeasureRow[] = [];
  for (const host of devopsHosts()) {
    for (let p = 0; p < DEVOPS_POINTS; p++) {
      const time = new Date(DEVOPS_START_MS + p * 300_000).toISOString();
      for (const m of DOUBLE_MEASURES) {
        rows.push({
          time,
          dimensions: host,
          measureName: m,
          type: 'double',
          value: Math.round(next() * 10_000) / 100,
        });
      }
      rows.push({
        time,
        dimensions: host,
        measureName: 'disk_io_reads',
        type: 'bigint',
        value: Math.floor(next() * 1000),
      });
      rows.push({
        time,
        dimensions: host,
        measureName: 'task_end_state',
        type: 'varchar',
        value: TASK_STATES[p % 3] as string,
      });
    }
  }
  return rows;
}
