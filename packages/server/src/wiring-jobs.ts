// Composition root, jobs: the periodic work of every domain, once per interval across the cluster (see jobs/).
import { type Job, Jobs } from './jobs/index.ts';
import { JOB_INTERVALS_MS_DEFAULT, type JobName } from './jobs/schedule.ts';
import type { Root } from './platform-options.ts';
import { PartitionKeeper } from './retention/index.ts';
import type { MoneyParts } from './wiring-money.ts';
import type { PlayerParts } from './wiring-players.ts';
import type { TableParts } from './wiring-tables.ts';

export function scheduleJobs(r: Root, p: PlayerParts, t: TableParts, m: MoneyParts): Jobs {
  const { o, config, store, clock, ledger, app } = r;
  const { accounts, realName, risk, promotions } = p;
  const { settings, notary, subscriptions, chat, cluster } = t;
  const { payments, vpay, operating, skill, closure, archiver } = m;
  const jobs = new Jobs({ store, clock, log: app.log, nodeId: r.nodeId, ...(o.leader ? { leader: o.leader.lock } : {}) });
  const every = (name: JobName, run: Job['run']) =>
    jobs.add({ name, intervalMs: config.jobIntervalsMs?.[name] ?? JOB_INTERVALS_MS_DEFAULT[name], run });
  every('ledger.expire-pending', () => ledger.expirePending());
  every('ledger.seal-root', async () => ((await ledger.sealRoot()) ? 1 : 0));
  every('payments.sweep', async () => {
    const due = await payments.runDue();
    return due.outbox + due.deposits + due.withdrawals + due.refunds;
  });
  every('payments.reconcile', async () => (await payments.reconciler.catchUp()).length);
  every('vpay.sweep', async () => {
    const swept = await vpay.sweep();
    return swept.settled + swept.expired;
  });
  every('vpay.bills', () => vpay.settleDueBills());
  every('analytics.alerts', () => operating.alerts.run());
  every('skill.sweep', async () => {
    const swept = await skill.skill.sweep();
    return swept.sessionsTimedOut + swept.matchesExpired + swept.tournamentsClosed + swept.tournamentsSettled;
  });
  every('skill.schedule', async () => {
    const created = await skill.skill.tournaments.runSchedules(settings.get('skill.tournament_templates').templates, (template, e) =>
      app.log.error({ err: e, template }, 'a scheduled tournament could not be created'),
    );
    return created.length;
  });
  if (realName !== null) every('realname.report', async () => (await realName.sweep()) + (await realName.flush()));
  every('realname.verify', () => accounts.kyc.settleDue());
  every('risk.poll', () => risk.pollEvents());
  every('risk.hands', async () => (await risk.judgeRoomHands()).hands);
  every('risk.score', () => risk.models.scorePending());
  every('risk.train', async () => ((await risk.models.train()) === null ? 0 : 1));
  every('notary.attest', () => notary.attestDue());
  every('privacy.kyc-purge', () => closure.purgeDue());
  // Without an archive folder (tests that do not ask for one) the job runs and moves nothing, but
  // still keeps PostgreSQL's partitions ahead of the clock.
  const partitionKeeper = new PartitionKeeper({ store, clock });
  every('retention.archive', async () => {
    if (archiver !== null) return (await archiver.run()).reduce((n, run) => n + run.rows, 0);
    await partitionKeeper.run();
    return 0;
  });
  every('notify.subscribe', () => subscriptions.sendDue());
  every('chat.retention', async () => {
    const purged = await chat.purgeExpired();
    return purged.messages + purged.reports;
  });
  every('promotions.referrals', async () => {
    const settled = await promotions.settleReferrals();
    return settled.rewarded + settled.rejected;
  });
  if (cluster !== null) every('cluster.orphans', () => cluster.sweepOrphans(clock.nowMs()));
  return jobs;
}
