import { loadFixture, startFakeProvider, type FakeProvider } from '@llmtel/test-utils';

/** Recorded exchanges answering the "calls" scenario of test/apps/scenario.cjs, in order. */
export const CALLS_FIXTURES = [
  'chat-completions-adds-genai-conventions',
  'streaming-chat-completions-records-usage',
  'embeddings-adds-genai-conventions',
] as const;

/** The answers in those recordings (what must not leak when content capture is off). */
export const COMPLETION_TEXTS = ['Atlantic Ocean.', 'South Atlantic Ocean.'];

export async function fakeOpenAI(names: readonly string[]): Promise<FakeProvider & { baseURL: string }> {
  const provider = await startFakeProvider({ fixtures: names.map((n) => loadFixture('openai', n)) });
  return Object.assign(provider, { baseURL: `${provider.url}/v1` });
}
