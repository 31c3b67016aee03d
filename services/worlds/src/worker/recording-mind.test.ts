import type { Mind, MindRequest, MindResponse } from '@crucible/minds';
import { mindRequestHash } from '@crucible/minds';
import type { LlmCallRow } from '../store/rows';
import { InMemoryCallRecords } from './in-memory-call-records';
import {
  isReplayRecordMissing,
  RecordedCallDiffers,
  RecordingMind,
  ReplayMind,
  ReplayRecordMissing,
} from './recording-mind';

function request(
  agent: string,
  phase: 'perceive' | 'intend' = 'perceive',
  text = 'look',
): MindRequest {
  return {
    model: 'm1',
    messages: [
      { role: 'system', content: 'You perceive.' },
      { role: 'user', content: `${agent}: ${text}` },
    ],
    params: { temperature: 0.5, seed: 3 },
    response_format: { type: 'text' },
    purpose: { world_slug: 'w', turn: 4, agent_id: agent, phase, attempt: 0 },
  };
}

/** A mind that answers `fresh:<last user message>` and counts its calls. */
class CountingMind implements Mind {
  readonly provider = 'counting';
  calls = 0;
  constructor(readonly deterministic?: boolean) {}
  complete(req: MindRequest): Promise<MindResponse> {
    this.calls += 1;
    return Promise.resolve({
      content: `fresh:${req.messages[req.messages.length - 1]?.content ?? ''}`,
      usage: { input_tokens: 3, output_tokens: 2 },
      provider: this.provider,
      model: 'm1-served',
      finish_reason: 'stop',
      latency_ms: 12.4,
      tries: 1,
    });
  }
}

const scope = {
  world_id: 7,
  turn: 4,
  profileOf: (id: string) => (id === 'ann' ? 'seer' : undefined),
};

function recordOf(
  req: MindRequest,
  content: string,
  world_id = 7,
  turn = 4,
): Omit<LlmCallRow, 'recorded_at'> {
  return {
    hash: mindRequestHash(req),
    request: {},
    content,
    finish_reason: 'stop',
    input_tokens: 1,
    output_tokens: 1,
    latency_ms: 40,
    provider: 'recorded',
    model: 'm1',
    params: {},
    world_id,
    turn,
    agent_id: req.purpose.agent_id,
    // The kernel's requests here, never a judge's.
    phase: req.purpose.phase as 'perceive' | 'intend' | 'adjudicate',
    profile_label: null,
  };
}

describe('RecordingMind', () => {
  it('records each call under its request hash with the turn, agent, phase and profile', async () => {
    const records = new InMemoryCallRecords();
    const inner = new CountingMind();
    const mind = new RecordingMind(inner, records, scope);
    const req = request('ann');
    const response = await mind.complete(req);
    await mind.flush();
    expect(response.content).toBe('fresh:ann: look');
    const row = records.rows.get(mindRequestHash(req));
    expect(row).toMatchObject({
      content: 'fresh:ann: look',
      world_id: 7,
      turn: 4,
      agent_id: 'ann',
      phase: 'perceive',
      profile_label: 'seer',
      provider: 'counting',
      model: 'm1-served',
      latency_ms: 12,
      input_tokens: 3,
      output_tokens: 2,
      params: { temperature: 0.5, seed: 3 },
    });
    expect(row?.request).toEqual({
      model: 'm1',
      messages: req.messages,
      params: { temperature: 0.5, seed: 3 },
      response_format: { type: 'text' },
    });
  });

  it("answers the turn's prefetched records without calling the mind (a crashed attempt's calls)", async () => {
    const records = new InMemoryCallRecords();
    const req = request('ann');
    records.put(recordOf(req, 'from the first attempt'));
    const inner = new CountingMind();
    const mind = new RecordingMind(inner, records, scope);
    await mind.prefetch();
    const response = await mind.complete(req);
    await mind.flush();
    expect(response.content).toBe('from the first attempt');
    expect(response.tries).toBe(0);
    expect(inner.calls).toBe(0);
    // Answered from memory: no lookup, no write.
    expect(records.trips).toEqual({ forTurn: 1, findMany: 0, recordMany: 0 });
  });

  it('finds a record another world made first, and does not call the mind', async () => {
    const records = new InMemoryCallRecords();
    const req = request('ann');
    records.put(recordOf(req, 'made by world 3', 3, 9));
    const inner = new CountingMind();
    const mind = new RecordingMind(inner, records, scope);
    await mind.prefetch();
    expect((await mind.complete(req)).content).toBe('made by world 3');
    expect(inner.calls).toBe(0);
  });

  it('batches the lookups and writes of concurrent calls: one round trip each, not one per call', async () => {
    const records = new InMemoryCallRecords();
    const inner = new CountingMind();
    const mind = new RecordingMind(inner, records, scope);
    const agents = Array.from({ length: 20 }, (_, i) => `a${i}`);
    await Promise.all(agents.map((a) => mind.complete(request(a))));
    await mind.flush();
    expect(inner.calls).toBe(20);
    expect(records.trips.findMany).toBe(1);
    expect(records.trips.recordMany).toBe(1);
    expect(records.rows.size).toBe(20);
  });

  it('writes while the kernel goes on, and flush waits for every record', async () => {
    const records = new InMemoryCallRecords();
    const mind = new RecordingMind(new CountingMind(), records, scope);
    for (const a of ['a', 'b', 'c']) await mind.complete(request(a));
    await mind.flush();
    expect([...records.rows.values()].map((r) => r.agent_id).sort()).toEqual(['a', 'b', 'c']);
  });

  it('flush rejects when a record could not be written', async () => {
    const records = new InMemoryCallRecords();
    records.failNextWrite = new Error('connection lost');
    const mind = new RecordingMind(new CountingMind(), records, scope);
    await mind.complete(request('ann'));
    await expect(mind.flush()).rejects.toThrow('connection lost');
  });

  describe('with a deterministic mind', () => {
    it('calls without looking up first, and records the answers', async () => {
      const records = new InMemoryCallRecords();
      const inner = new CountingMind(true);
      const mind = new RecordingMind(inner, records, scope);
      for (const a of ['a', 'b', 'c']) await mind.complete(request(a));
      await mind.flush();
      expect(inner.calls).toBe(3);
      expect(records.trips.findMany).toBe(0);
      expect(records.rows.size).toBe(3);
    });

    it('writes the records of a small turn in one statement, at flush', async () => {
      const records = new InMemoryCallRecords();
      const mind = new RecordingMind(new CountingMind(true), records, scope);
      for (const a of ['a', 'b', 'c']) await mind.complete(request(a));
      await new Promise((r) => setImmediate(r));
      expect(records.trips.recordMany).toBe(0);
      await mind.flush();
      expect(records.trips.recordMany).toBe(1);
      expect(records.rows.size).toBe(3);
    });

    it("writes a large turn's records while it goes on, 64 or more at a time", async () => {
      const records = new InMemoryCallRecords();
      const mind = new RecordingMind(new CountingMind(true), records, scope);
      for (let i = 0; i < 100; i++) await mind.complete(request(`a${i}`));
      await new Promise((r) => setImmediate(r));
      expect(records.rows.size).toBe(64);
      await mind.flush();
      expect(records.rows.size).toBe(100);
      expect(records.trips.recordMany).toBe(2);
    });

    it('accepts records made before with the same answer', async () => {
      const records = new InMemoryCallRecords();
      const req = request('ann');
      records.put(recordOf(req, 'fresh:ann: look', 3, 1));
      const mind = new RecordingMind(new CountingMind(true), records, scope);
      await mind.complete(req);
      await expect(mind.flush()).resolves.toBeUndefined();
    });

    it('flush rejects with RecordedCallDiffers when a record made before holds another answer', async () => {
      const records = new InMemoryCallRecords();
      const same = request('bob');
      const other = request('ann');
      records.put(recordOf(same, 'fresh:bob: look', 3, 1));
      records.put(recordOf(other, 'another mind said this', 3, 1));
      const mind = new RecordingMind(new CountingMind(true), records, scope);
      await mind.complete(same);
      await mind.complete(other);
      const error = await mind.flush().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(RecordedCallDiffers);
      expect((error as RecordedCallDiffers).hashes).toEqual([mindRequestHash(other)]);
    });

    it('hands its held records over for the commit to write, and flush then writes none of them', async () => {
      const records = new InMemoryCallRecords();
      const mind = new RecordingMind(new CountingMind(true), records, scope);
      for (const a of ['a', 'b']) await mind.complete(request(a));
      const held = mind.takeHeld();
      expect(held.map((r) => r.hash)).toEqual(['a', 'b'].map((a) => mindRequestHash(request(a))));
      expect(held[0]).toMatchObject({
        world_id: 7,
        turn: 4,
        agent_id: 'a',
        content: 'fresh:a: look',
      });
      await mind.flush();
      expect(records.trips.recordMany).toBe(0);
      expect(records.rows.size).toBe(0);
    });

    it('writes and checks held records given back: RecordedCallDiffers when one was recorded with another answer', async () => {
      const records = new InMemoryCallRecords();
      const other = request('ann');
      records.put(recordOf(other, 'another mind said this', 3, 1));
      const mind = new RecordingMind(new CountingMind(true), records, scope);
      await mind.complete(request('bob'));
      await mind.complete(other);
      const held = mind.takeHeld();
      await mind.flush();
      mind.putBack(held);
      const error = await mind.flush().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(RecordedCallDiffers);
      expect((error as RecordedCallDiffers).hashes).toEqual([mindRequestHash(other)]);
      expect(records.rows.has(mindRequestHash(request('bob')))).toBe(true);
    });

    it('when it looks up first (a mind that is not deterministic), hands over only the record not sent yet', async () => {
      const records = new InMemoryCallRecords();
      const mind = new RecordingMind(new CountingMind(false), records, scope);
      await mind.complete(request('ann'));
      // A turn of the event loop: the record of the call before it has gone.
      await new Promise((resolve) => setImmediate(resolve));
      expect(records.rows.size).toBe(1);
      await mind.complete(request('bob'));
      const held = mind.takeHeld();
      expect(held.map((r) => r.agent_id)).toEqual(['bob']);
      expect(held[0]).toMatchObject({ content: 'fresh:bob: look', world_id: 7, turn: 4 });
      await mind.flush();
      expect([...records.rows.values()].map((r) => r.agent_id)).toEqual(['ann']);
      expect(records.trips.recordMany).toBe(1);
    });

    it('looks up first when asked to (the run after RecordedCallDiffers)', async () => {
      const records = new InMemoryCallRecords();
      const req = request('ann');
      records.put(recordOf(req, 'another mind said this', 3, 1));
      const inner = new CountingMind(true);
      const mind = new RecordingMind(inner, records, scope, { lookupFirst: true });
      expect((await mind.complete(req)).content).toBe('another mind said this');
      await mind.flush();
      expect(inner.calls).toBe(0);
    });
  });
});

describe('ReplayMind', () => {
  it("answers from the prefetched records of the turn's worlds, in one query", async () => {
    const records = new InMemoryCallRecords();
    const reqs = ['a', 'b', 'c'].map((a) => request(a));
    reqs.forEach((r, i) => records.put(recordOf(r, `recorded ${i}`, 5, 2)));
    const mind = new ReplayMind(records, 2);
    await mind.prefetch([5]);
    const answers = await Promise.all(reqs.map((r) => mind.complete(r)));
    expect(answers.map((a) => a.content)).toEqual(['recorded 0', 'recorded 1', 'recorded 2']);
    expect(records.trips).toEqual({ forTurn: 1, findMany: 0, recordMany: 0 });
  });

  it('finds a record made by another world by its hash', async () => {
    const records = new InMemoryCallRecords();
    const req = request('a');
    records.put(recordOf(req, 'made elsewhere', 99, 8));
    const mind = new ReplayMind(records, 2);
    await mind.prefetch([5]);
    expect((await mind.complete(req)).content).toBe('made elsewhere');
  });

  it('rejects a request never recorded with ReplayRecordMissing naming turn, agent and phase', async () => {
    const records = new InMemoryCallRecords();
    const mind = new ReplayMind(records, 2);
    const req = request('zed', 'intend');
    const error = await mind.complete(req).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ReplayRecordMissing);
    expect(isReplayRecordMissing(error)).toBe(true);
    expect(error).toMatchObject({
      code: 'replay_record_missing',
      turn: 2,
      agentId: 'zed',
      phase: 'intend',
      hash: mindRequestHash(req),
    });
    expect((error as Error).message).toBe(
      `no recorded LLM call for turn 2, agent zed, phase intend (request ${mindRequestHash(req)})`,
    );
    expect(isReplayRecordMissing(new Error('other'))).toBe(false);
  });
});
