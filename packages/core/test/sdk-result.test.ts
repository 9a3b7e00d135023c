import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { observeSdkResult, type SettledCall } from '@llmtel/core';

function recorder() {
  const log: string[] = [];
  const call: SettledCall = {
    end: () => log.push('end'),
    fail: (error) => log.push(`fail ${(error as Error).message}`),
  };
  return { log, call, parsed: (value: unknown) => log.push(`parsed ${String(value)}`) };
}

describe('observeSdkResult', () => {
  it('hands a plain value, or what a plain promise resolves to, to `parsed`', async () => {
    const value = recorder();
    observeSdkResult('v', value.call, value.parsed, 'test');
    assert.deepEqual(value.log, ['parsed v']);

    const promised = recorder();
    const promise = Promise.resolve('p');
    observeSdkResult(promise, promised.call, promised.parsed, 'test');
    assert.equal(await promise, 'p', 'the app gets the same promise, unchanged');
    assert.deepEqual(promised.log, ['parsed p']);
  });

  it("fails the call with a plain promise's rejection, which the app still gets", async () => {
    const { log, call, parsed } = recorder();
    const promise = Promise.reject(new Error('refused'));
    observeSdkResult(promise, call, parsed, 'test');
    await assert.rejects(promise, /refused/);
    assert.deepEqual(log, ['fail refused']);
  });

  it('ends the call when an APIPromise is taken raw and nobody parses it', async () => {
    const { log, call, parsed } = recorder();
    const response = { status: 200 };
    const apiPromise = {
      responsePromise: Promise.resolve({ response }),
      parseResponse: () => 'parsed body',
      asResponse() {
        return this.responsePromise.then((props) => props.response);
      },
    };
    observeSdkResult(apiPromise, call, parsed, 'test');
    assert.equal(await apiPromise.asResponse(), response);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(log, ['end']);
  });
});
