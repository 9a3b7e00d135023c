import {
  context as otelContext,
  INVALID_SPAN_CONTEXT,
  trace,
  type Attributes,
  type AttributeValue,
  type Context,
  type Link,
  type Span,
  type SpanContext,
  type SpanOptions,
  type Tracer,
} from '@opentelemetry/api';

/**
 * The AI SDK's own span, as `@llmtel/core` sees it when it records a call onto it. Core writes the GenAI, usage,
 * cost and attribution attributes through it; the AI SDK keeps what it owns: the span's name, its status and
 * exceptions (it records them itself), and its end.
 */
export class AdoptedSpan implements Span {
  private readonly target: Span;

  constructor(target: Span) {
    this.target = target;
  }

  spanContext(): SpanContext {
    return this.target.spanContext();
  }

  isRecording(): boolean {
    return this.target.isRecording();
  }

  setAttribute(key: string, value: AttributeValue): this {
    this.target.setAttribute(key, value);
    return this;
  }

  setAttributes(attributes: Attributes): this {
    this.target.setAttributes(attributes);
    return this;
  }

  addEvent(...args: Parameters<Span['addEvent']>): this {
    this.target.addEvent(...args);
    return this;
  }

  addLink(link: Link): this {
    this.target.addLink(link);
    return this;
  }

  addLinks(links: Link[]): this {
    this.target.addLinks(links);
    return this;
  }

  setStatus(): this {
    return this;
  }

  updateName(): this {
    return this;
  }

  recordException(): void {
    // The AI SDK records the exception itself; a second event would repeat it.
  }

  end(): void {
    // The AI SDK ends its span; core records the call while it is ending.
  }
}

/**
 * A tracer that hands out the span being adopted instead of starting one. `GenAiTelemetry.startCall` asks its tracer
 * for the call's span synchronously, so {@link adopt} sets the span, starts the call, and clears it again.
 */
export class AdoptingTracer implements Tracer {
  private current: Span | undefined;

  adopt<T>(span: Span, start: () => T): T {
    this.current = span;
    try {
      return start();
    } finally {
      this.current = undefined;
    }
  }

  startSpan(_name: string, options?: SpanOptions): Span {
    const span = this.current;
    // Never reached outside `adopt`; a span that records nothing keeps a stray caller harmless.
    if (span === undefined) return trace.wrapSpanContext(INVALID_SPAN_CONTEXT);
    this.current = undefined;
    const adopted = new AdoptedSpan(span);
    if (options?.attributes) adopted.setAttributes(options.attributes);
    return adopted;
  }

  readonly startActiveSpan = ((name: string, ...args: unknown[]): unknown => {
    const fn = args[args.length - 1] as (span: Span) => unknown;
    const options = args.length >= 2 ? (args[0] as SpanOptions | undefined) : undefined;
    const ctx = (args.length >= 3 ? (args[1] as Context | undefined) : undefined) ?? otelContext.active();
    const span = this.startSpan(name, options);
    return otelContext.with(trace.setSpan(ctx, span), fn, undefined, span);
  }) as Tracer['startActiveSpan'];
}
