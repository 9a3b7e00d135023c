import type { Fixture } from '@llmtel/test-utils';

/** What a recorded exchange says its span must show, read from the fixture itself (not from the code under test). */
export interface Expected {
  spanName: string;
  requestModel: string;
  responseModel?: string;
  responseId?: string;
  finishReasons?: string[];
  /** `error.code` of an error answer. */
  errorType?: string;
}

function sseData(sse: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const line of sse.split(/\r\n|\r|\n/)) {
    if (!line.startsWith('data:')) continue;
    const data = line.slice(5).trim();
    if (data === '' || data === '[DONE]') continue;
    out.push(JSON.parse(data) as Record<string, unknown>);
  }
  return out;
}

type Choice = { index?: number; finish_reason?: string | null };

export function expectedOf(fixture: Fixture): Expected {
  const request = fixture.request.body as Record<string, unknown>;
  const requestModel = String(request.model);
  const operation = fixture.operation === 'embeddings' ? 'embeddings' : 'chat';
  const expected: Expected = { spanName: `${operation} ${requestModel}`, requestModel };
  const { response } = fixture;

  if (response.status >= 400) {
    const body = response.body as { error: { code: string } };
    expected.errorType = body.error.code;
    return expected;
  }
  if (fixture.operation === 'embeddings') {
    expected.responseModel = (response.body as { model: string }).model;
    return expected;
  }
  if (fixture.operation === 'responses') {
    const final = response.sse
      ? (sseData(response.sse).find((e) => e.type === 'response.completed')?.response as Record<string, unknown>)
      : (response.body as Record<string, unknown>);
    expected.responseModel = String(final.model);
    expected.responseId = String(final.id);
    expected.finishReasons = final.status === 'completed' ? ['stop'] : [];
    return expected;
  }
  if (response.sse !== undefined) {
    const chunks = sseData(response.sse);
    expected.responseModel = String(chunks[0]!.model);
    expected.responseId = String(chunks[0]!.id);
    const reasons: string[] = [];
    for (const chunk of chunks) {
      for (const c of (chunk.choices as Choice[] | undefined) ?? []) {
        if (typeof c.finish_reason === 'string') reasons[c.index ?? 0] = c.finish_reason;
      }
    }
    expected.finishReasons = reasons.filter((r) => r !== undefined);
    return expected;
  }
  const body = response.body as { model: string; id: string; choices: Choice[] };
  expected.responseModel = body.model;
  expected.responseId = body.id;
  expected.finishReasons = body.choices.map((c) => String(c.finish_reason));
  return expected;
}
