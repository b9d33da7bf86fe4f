// What the engine tells the safety envelope about the requests it counts, and what it keeps to itself. The envelope
// (targets/aws/safety-envelope.ts) counts requests per label, the step or case that sent them, and knows nothing of
// requirements (targets never do); the engine names each label with the requirements its step checks, and joins the
// two: the dry run's requests per requirement, the steps of results.json's execution.envelope, the requirements a
// step the envelope ended leaves unchecked.
import type { SafetyEnvelope } from '../targets/aws/index.ts';
import type { StepCount } from './results-types.ts';

export class RequestLabels {
  /** The requirements of each label that sent a request, in the order they were first named. */
  private readonly requirements = new Map<string, string[]>();
  private current: { label: string; requirementIds: readonly string[]; sentBefore: number } = {
    label: 'session',
    requirementIds: [],
    sentBefore: 0,
  };

  constructor(readonly envelope: SafetyEnvelope) {}

  /** Names the step (or case) the next requests belong to, with the requirements it checks. */
  name(label: string, requirementIds: readonly string[] = []): void {
    this.settle();
    this.envelope.setContext(label);
    this.current = { label, requirementIds, sentBefore: this.sent(label) };
  }

  /** What the next requests belong to. */
  get currentContext(): { label: string; requirementIds: readonly string[] } {
    return { label: this.current.label, requirementIds: this.current.requirementIds };
  }

  /** Requests per label, with the requirements of the steps that sent them under it. */
  counts(): Map<string, StepCount> {
    this.settle();
    return new Map(
      [...this.envelope.requestsByLabel].map(([label, requests]) => [
        label,
        { requirementIds: [...(this.requirements.get(label) ?? [])], requests },
      ]),
    );
  }

  private sent(label: string): number {
    return this.envelope.requestsByLabel.get(label) ?? 0;
  }

  /** A label's requirements count once it sent a request under them. */
  private settle(): void {
    const { label, requirementIds, sentBefore } = this.current;
    if (this.sent(label) === sentBefore) return;
    const ids = this.requirements.get(label) ?? [];
    for (const id of requirementIds) if (!ids.includes(id)) ids.push(id);
    this.requirements.set(label, ids);
    this.current.sentBefore = this.sent(label);
  }
}
