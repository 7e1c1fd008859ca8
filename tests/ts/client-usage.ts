// Compile-time check of the client API: JmapSmimeClient (generated types) and
// WorkerClient (worker-client.d.ts over the generated data types). Lines after
// an expect-error directive must be type errors.
import init, {
  JmapSmimeClient,
  TrustStore,
  Verifier,
  type ConnectOptions,
  type Page,
  type PageItem,
  type Level,
  type Mailbox,
  type Changes,
  type QueryResult,
  type Progress,
  type Stats,
  type ServerReport,
  type DisplayVerdict,
  type ClientSource,
  type HeaderCheck,
  type FieldCheck,
  type FieldOutcome,
  type HeaderField,
  type RouteArgs,
  type Verdict,
  routeConfig,
  verifyRouted,
} from "../../pkg/jmap_smime.js";
import { WorkerClient, MAX_WORKERS, poolSize, type PoolWorkerStats, type WorkerConnectOptions } from "../../pkg/worker-client.js";

export async function clientUsage(pem: string): Promise<string[]> {
  await init();
  const trust = await TrustStore.bundled();
  trust.addPem(pem);
  const verifier = new Verifier(trust, { revocation: "prefer" });
  const options: ConnectOptions = {
    sessionUrl: "https://mail.example.com",
    auth: { type: "bearer", token: "t" },
    verifier,
    fetch: (input, init) => fetch(input, init),
    acceptLanguage: "de",
    timeoutMs: 10_000,
    localCheck: true,
    unknownTokens: "unknown",
  };
  const client = await JmapSmimeClient.connect(options);
  await JmapSmimeClient.connect({ sessionUrl: "https://x", verifier, auth: { type: "basic", username: "u", password: "p" } });
  await JmapSmimeClient.connect({ sessionUrl: "https://x", verifier, auth: { type: "cookies" } });
  const boxes: Mailbox[] = await client.mailboxes();
  const controller = new AbortController();
  const page: Page = await client.loadPage(
    { mailboxId: boxes[0].id, filter: { hasVerifiedSmime: true }, sort: [{ property: "receivedAt", isAscending: false }], position: 0, limit: 50 },
    { onProgress: (p: Progress) => void p.done, signal: controller.signal, now: new Date() },
  );
  const out: string[] = [page.state, page.queryState, String(page.total ?? 0), String(client.supportsSmime), client.accountId];
  for (const item of page.items) {
    const level: Level = item.display.level;
    const d: DisplayVerdict = item.display;
    const source: ClientSource = item.clientSource;
    const server: ServerReport | null = item.server;
    out.push(level, d.label, ...d.reasons, d.alert ?? "", d.hint ?? "", source, server?.smimeStatus ?? "null");
    out.push(item.email.subject ?? "", item.email.blobId, item.email.receivedAt, item.client?.status ?? "not run", item.clientError?.code ?? "");
    // Issue 9 §3: the server's Email object against the checked message.
    const check: HeaderCheck | null = d.headerCheck;
    out.push(check?.problem?.code ?? "");
    for (const f of check?.fields ?? []) {
      const field: HeaderField = f.field;
      const outcome: FieldOutcome = f.outcome;
      const fc: FieldCheck = f;
      out.push(field, outcome, fc.server ?? "", fc.message ?? "", fc.coverage);
    }
    out.push(item.client?.headers?.from?.mailboxes?.[0]?.email ?? "", item.client?.body?.parts[0]?.text ?? "");
  }
  const one: PageItem = await client.verifyEmail(page.ids[0]);
  const q: QueryResult = await client.query({ inMailbox: boxes[0].id }, { limit: 10 });
  const c: Changes = await client.changes(page.state);
  for (const e of c.events) out.push(e.kind, e.message);
  const s: Stats = await client.stats();
  await client.setVerifier(verifier);
  out.push(one.display.label, q.queryState, c.newState, String(s.downloads));
  // @ts-expect-error sessionUrl is required
  await JmapSmimeClient.connect({ verifier });
  // @ts-expect-error auth types are bearer, basic, cookies, none
  await JmapSmimeClient.connect({ sessionUrl: "https://x", verifier, auth: { type: "oauth" } });
  // @ts-expect-error limit is a number
  await client.loadPage({ limit: "50" });
  // @ts-expect-error not a level
  const wrong: Level = "green";
  out.push(wrong);
  // @ts-expect-error not an outcome
  const same: FieldOutcome = "same";
  out.push(same);

  const wopts: WorkerConnectOptions = { sessionUrl: "https://x", trust: { bundled: true, pem: [pem] }, verifierOptions: { allowLegacy: false } };
  const worker = await WorkerClient.connect(wopts);
  const wpage: Page = await worker.loadPage({ limit: 20 }, { onProgress: (p) => void p.total });
  out.push(...wpage.items.map((i) => i.display.level), String(worker.supportsSmime));
  out.push(...wpage.items.map((i) => i.display.headerCheck?.problem?.code ?? ""), ...wpage.items.map((i) => i.client?.body?.parts.length ?? 0).map(String));
  // @ts-expect-error a worker cannot take a Verifier object
  await WorkerClient.connect({ sessionUrl: "https://x", verifier });
  worker.terminate();

  // Issue 10 §3: the server page first, then verdicts; a pool of workers.
  const early: Page[] = [];
  await client.loadPage({ limit: 50 }, { onServerPage: (p: Page) => void early.push(p), onProgress: (p: Progress) => void p.item.clientSource });
  const pending: ClientSource = "pending";
  out.push(pending, ...early.flatMap((p) => p.items.map((i) => i.clientSource)));
  const pool = await WorkerClient.connect(wopts, { workers: 2 });
  await pool.loadPage({}, { onServerPage: (p) => void p.items.length });
  const ps: PoolWorkerStats[] = await pool.poolStats();
  out.push(String(pool.workers), String(poolSize()), String(MAX_WORKERS), ...ps.map((w) => `${w.role} ${w.verified} ${w.routed}`));
  // @ts-expect-error workers is a number
  await WorkerClient.connect(wopts, { workers: "2" });
  // @ts-expect-error onServerPage gets a Page
  await pool.loadPage({}, { onServerPage: (p: Progress) => void p });
  pool.terminate();
  const route = (bytes: Uint8Array, args: RouteArgs): Promise<Verdict> | null => (args.config === routeConfig(verifier) ? verifyRouted(verifier, bytes, args) : null);
  await client.setVerifyRoute(route);
  await client.setVerifyRoute(null);
  return out;
}
