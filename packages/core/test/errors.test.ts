import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { errorTypeOf, resolveBoolean, resolveCaptureMessageContent, resolvePositiveInteger } from '@llmtel/core';

describe('errorTypeOf', () => {
  it('prefers the provider code or type, then the HTTP status, then the class name', () => {
    assert.equal(
      errorTypeOf(
        Object.assign(new Error('x'), { status: 404, error: { type: 'error', error: { type: 'not_found_error' } } }),
      ),
      'not_found_error',
    );
    assert.equal(
      errorTypeOf(Object.assign(new Error('x'), { status: 400, code: null, type: 'invalid_request_error' })),
      'invalid_request_error',
    );
    assert.equal(
      errorTypeOf(Object.assign(new Error('x'), { code: 'model_not_found', status: 404 })),
      'model_not_found',
    );
    assert.equal(errorTypeOf(Object.assign(new Error('x'), { code: null, status: 500 })), '500');
    class APIConnectionTimeoutError extends Error {}
    assert.equal(errorTypeOf(new APIConnectionTimeoutError('t')), 'APIConnectionTimeoutError');
    assert.equal(errorTypeOf(new Error('plain')), '_OTHER');
    class BedrockRuntimeServiceException extends Error {}
    const aws = Object.assign(new BedrockRuntimeServiceException('x'), {
      name: 'InvalidSignatureException',
      $metadata: {},
    });
    assert.equal(errorTypeOf(aws), 'InvalidSignatureException');
    assert.equal(errorTypeOf('a string'), '_OTHER');
    assert.equal(errorTypeOf(Object.assign(new Error('x'), { code: 'has spaces and is long' })), '_OTHER');
  });
});

describe('config resolution', () => {
  it('code wins, env next, default last; a bad env value falls back', () => {
    const env = { OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'true' };
    assert.equal(resolveCaptureMessageContent(undefined, env), true);
    assert.equal(resolveCaptureMessageContent(false, env), false);
    assert.equal(resolveCaptureMessageContent(undefined, {}), false);
    assert.equal(
      resolveCaptureMessageContent(undefined, { OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'yes please' }),
      false,
    );
    assert.equal(resolveBoolean(undefined, ['A', 'B'], false, { B: '1' }), true);
    assert.equal(resolvePositiveInteger(undefined, ['N'], 7, { N: '-3' }), 7);
    assert.equal(resolvePositiveInteger(undefined, ['N'], 7, { N: '12' }), 12);
  });

  it('a bad value passed in code throws', () => {
    assert.throws(() => resolvePositiveInteger(0, ['N'], 7, {}), RangeError);
    assert.throws(() => resolveBoolean('yes' as unknown as boolean, ['A'], false, {}), TypeError);
  });
});
