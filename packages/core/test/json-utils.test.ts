import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  firstNumber,
  firstObject,
  isNumber,
  isObject,
  nonEmptyString,
  numberOr,
  stopSequences,
  stringify,
  stringOr,
} from '@llmtel/core';

describe('JSON readers', () => {
  it('isObject: any non-null object, arrays included', () => {
    assert.deepEqual(
      [{}, [], new Date(0), null, undefined, 'x', 1].map((v) => isObject(v)),
      [true, true, true, false, false, false, false],
    );
  });

  it('isNumber and numberOr: finite numbers only', () => {
    assert.deepEqual(
      [0, -1.5, NaN, Infinity, '1', null].map((v) => isNumber(v)),
      [true, true, false, false, false, false],
    );
    assert.equal(numberOr(3), 3);
    assert.equal(numberOr(NaN), undefined);
    assert.equal(numberOr('3'), undefined);
  });

  it('stringOr keeps the empty string, nonEmptyString does not', () => {
    assert.equal(stringOr(''), '');
    assert.equal(stringOr('a'), 'a');
    assert.equal(stringOr(1), undefined);
    assert.equal(nonEmptyString(''), undefined);
    assert.equal(nonEmptyString('a'), 'a');
    assert.equal(nonEmptyString(null), undefined);
  });

  it('firstNumber and firstObject: the first key that holds one', () => {
    const source = { a: 'x', b: NaN, c: 2, d: 3, o: null, p: { q: 1 } };
    assert.equal(firstNumber(source, 'a', 'b', 'c', 'd'), 2);
    assert.equal(firstNumber(source, 'a', 'missing'), undefined);
    assert.deepEqual(firstObject(source, 'o', 'a', 'p'), { q: 1 });
    assert.equal(firstObject(source, 'o', 'c'), undefined);
  });

  it('stopSequences: one string or a non-empty list of strings', () => {
    assert.deepEqual(stopSequences('END'), ['END']);
    assert.deepEqual(stopSequences(['a', 'b']), ['a', 'b']);
    assert.equal(stopSequences([]), undefined);
    assert.equal(stopSequences(['a', 1]), undefined);
    assert.equal(stopSequences(undefined), undefined);
  });

  it('stringify: strings as they are, JSON otherwise, empty when JSON cannot hold it', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    assert.equal(stringify('{"a":1}'), '{"a":1}');
    assert.equal(stringify({ a: [1, null] }), '{"a":[1,null]}');
    assert.equal(stringify(undefined), '');
    assert.equal(stringify(cyclic), '');
  });
});
