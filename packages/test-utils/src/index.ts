export {
  fixturesDir,
  loadFixture,
  loadFixtures,
  type Fixture,
  type FixtureProvider,
  type FixtureRequest,
  type FixtureResponse,
  type FixtureUsage,
} from './fixtures.js';
export {
  startFakeProvider,
  type FakeProvider,
  type FakeProviderOptions,
  type ReceivedRequest,
} from './fake-provider.js';
export {
  syntheticChatCompletion,
  syntheticChatCompletionStream,
  syntheticOpenAiError,
  type SyntheticChatCompletionOptions,
  type SyntheticChatCompletionStreamOptions,
  type SyntheticChatOptions,
  type SyntheticOpenAiErrorOptions,
  type SyntheticUsage,
} from './synthetic-openai.js';
export { splitSseEvents } from './utils.js';
export { startOtlpReceiver, type OtlpReceived, type OtlpReceiver } from './otlp-receiver.js';
export {
  type Attributes,
  type AttributeType,
  type AttributeValue,
  type OtlpTransport,
  type ReceivedDataPoint,
  type ReceivedMetric,
  type ReceivedMetricType,
  type ReceivedOtlpRequest,
  type ReceivedScope,
  type ReceivedSpan,
  type ReceivedSpanEvent,
  type ReceivedSpanKind,
  type ReceivedSpanLink,
  type ReceivedStatusCode,
} from './otlp-types.js';
export { OTLP_PROTO_SOURCES, otlpRoot } from './otlp-proto.js';
