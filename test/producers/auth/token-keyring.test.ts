import { describe, expect, it } from 'vitest';
import { parseTokenKeyring, TokenKeyring, TokenSecretError } from '#producers/auth';

const k1 = 'first-key-of-enough-length-01234';
const k2 = 'second-key-of-enough-length-0123';

describe('token keyring', () => {
  it('reads the single secret of old as one key k0, and the JSON form with several keys', () => {
    const single = parseTokenKeyring(`  ${k1}\n`, 'test');
    expect(single.current).toBe('k0');
    expect(single.key('k0')!.toString()).toBe(k1);
    const many = parseTokenKeyring(JSON.stringify({ current: 'kid2', keys: { kid1: k1, kid2: k2 } }), 'test');
    expect(many.kids).toEqual(['kid2', 'kid1']);
    expect(many.key('kid1')!.toString()).toBe(k1);
    expect(parseTokenKeyring(many.toText(), 'again').kids).toEqual(['kid2', 'kid1']);
  });

  it('refuses broken stored keys with the source and what is expected', () => {
    const cases: [string, RegExp][] = [
      ['short', /from test: .*at least 16/],
      ['{"current": "k1", "keys": ', /start with "\{" but are not JSON/],
      [JSON.stringify({ current: 'k1', keys: { k1: 'short' } }), /key k1 is 5 bytes/],
      [JSON.stringify({ current: 'k2', keys: { k1 } }), /current key id "k2" is not among the keys \(k1\)/],
      [JSON.stringify({ current: 'k.1', keys: { 'k.1': k1 } }), /current: must be 1..32 letters/],
      [JSON.stringify({ keys: { k1 } }), /current: /],
    ];
    for (const [text, message] of cases) {
      expect(() => parseTokenKeyring(text, 'test'), text).toThrow(TokenSecretError);
      expect(() => parseTokenKeyring(text, 'test'), text).toThrow(message);
    }
  });

  it('rotates to a new current key, keeping the others, and retires any key but the current one', () => {
    const rotated = TokenKeyring.single(k1).rotatedTo('k1', k2);
    expect(rotated.current).toBe('k1');
    expect(rotated.kids).toEqual(['k1', 'k0']);
    expect(() => rotated.rotatedTo('k0', k2)).toThrow(/already in the keyring/);
    expect(() => rotated.without('k1')).toThrow(/is the current key: rotate to a new key first/);
    expect(() => rotated.without('k7')).toThrow(/not in the keyring \(keys: k1, k0\)/);
    expect(rotated.without('k0').kids).toEqual(['k1']);
  });
});
