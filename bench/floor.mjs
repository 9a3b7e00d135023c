// The `floor` configuration: what the OpenTelemetry SDK alone charges for the telemetry llmtel emits per call, with no
// instrumentation logic around it. It wraps the one method the scenario calls, starts the span with llmtel's start
// attributes, runs the SDK call in the span's context, and at the end sets llmtel's end attributes (16 on a plain
// OpenAI call) and records llmtel's metric points (duration, input and output tokens, cost; time to first chunk and
// time per output chunk for streams) on attribute objects built once. It reads nothing but usage, has no error
// handling, no pricing, no callbacks and no attribution: no real instrumentation can do less and emit the same data,
// so an "added CPU" below this figure is out of reach for any of them on this SDK.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { context, trace, SpanKind } = require('@opentelemetry/api');

/**
 * Wraps `create` on the prototype the scenario calls (`OpenAI.Chat.Completions` or `Anthropic.Messages`) with the
 * minimal span + metrics. `provider` is `openai` or `anthropic`.
 */
export function installFloor(proto, { provider, tracer, meter, serverAddress, serverPort }) {
  const duration = meter.createHistogram('gen_ai.client.operation.duration', { unit: 's' });
  const tokens = meter.createHistogram('gen_ai.client.token.usage', { unit: '{token}' });
  const cost = meter.createCounter('llmtel.client.cost_usd', { unit: '{USD}' });
  const timeToFirstChunk = meter.createHistogram('gen_ai.client.operation.time_to_first_chunk', { unit: 's' });
  const timePerChunk = meter.createHistogram('gen_ai.client.operation.time_per_output_chunk', { unit: 's' });
  const operation = 'chat';
  let series;
  const seriesFor = (requestModel, responseModel) => {
    if (series) return series;
    const base = {
      'gen_ai.operation.name': operation,
      'gen_ai.provider.name': provider,
      'gen_ai.request.model': requestModel,
      'gen_ai.response.model': responseModel,
      'server.address': serverAddress,
      'server.port': serverPort,
    };
    series = {
      base,
      input: { ...base, 'gen_ai.token.type': 'input' },
      output: { ...base, 'gen_ai.token.type': 'output' },
    };
    return series;
  };

  const original = proto.create;
  proto.create = function floorCreate(body, options) {
    const startedAt = performance.now();
    const span = tracer.startSpan(`${operation} ${body.model}`, {
      kind: SpanKind.CLIENT,
      attributes: {
        'gen_ai.operation.name': operation,
        'gen_ai.provider.name': provider,
        'gen_ai.request.model': body.model,
        'server.address': serverAddress,
        'server.port': serverPort,
      },
    });
    const result = context.with(trace.setSpan(context.active(), span), () => original.call(this, body, options));
    const finish = (message, usage, firstChunkAt, chunks) => {
      const endedAt = performance.now();
      const input = usage.input_tokens ?? usage.prompt_tokens;
      const output = usage.output_tokens ?? usage.completion_tokens;
      const usd = (input * 0.15 + output * 0.6) / 1e6;
      span.setAttributes({
        'gen_ai.usage.input_tokens': input,
        'gen_ai.usage.output_tokens': output,
        'gen_ai.usage.cache_read.input_tokens': 0,
        'gen_ai.usage.reasoning.output_tokens': 0,
        'gen_ai.response.model': message.model,
        'gen_ai.response.id': message.id,
        'gen_ai.response.finish_reasons': ['stop'],
        'llmtel.usage.cost_usd': usd,
        'llmtel.usage.billable': true,
        'llmtel.usage.estimated': false,
        [`${provider}.response.service_tier`]: 'default',
      });
      span.end();
      const attrs = seriesFor(body.model, message.model);
      duration.record((endedAt - startedAt) / 1000, attrs.base);
      tokens.record(input, attrs.input);
      tokens.record(output, attrs.output);
      cost.add(usd, attrs.base);
      if (firstChunkAt !== undefined) {
        timeToFirstChunk.record((firstChunkAt - startedAt) / 1000, attrs.base);
        timePerChunk.record((endedAt - firstChunkAt) / Math.max(1, chunks - 1) / 1000, attrs.base);
      }
    };
    result.then(
      (value) => (body.stream ? wrapStream(value, finish) : finish(value, value.usage)),
      () => span.end(),
    );
    return result;
  };
}

/**
 * The stream's own iterator, observed: `next()` results pass through one `then` that reads usage, the cheapest way to
 * see every chunk (an async generator around the iterator costs about twice as much per chunk).
 */
function wrapStream(stream, finish) {
  const iterate = stream[Symbol.asyncIterator].bind(stream);
  stream[Symbol.asyncIterator] = function floorStream() {
    const inner = iterate();
    let firstChunkAt;
    let chunks = 0;
    let message = {};
    const usage = {};
    const onResult = (result) => {
      if (result.done) {
        finish(message, usage, firstChunkAt, chunks);
        return result;
      }
      const chunk = result.value;
      firstChunkAt ??= performance.now();
      chunks++;
      // OpenAI: id/model on every chunk, usage on the last; Anthropic: message_start then message_delta
      if (chunk.usage) Object.assign(usage, chunk.usage);
      if (chunk.type === 'message_start') {
        message = chunk.message;
        Object.assign(usage, chunk.message.usage);
      } else if (chunk.model !== undefined && message.model === undefined) {
        message = chunk;
      }
      return result;
    };
    return {
      next: () => inner.next().then(onResult),
      return: (value) => inner.return(value),
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  };
}
