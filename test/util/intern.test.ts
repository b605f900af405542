import { describe, expect, it } from 'vitest';
import { internList } from '../../src/util/intern.js';

describe('internList', () => {
  it('hands out one shared, frozen copy per distinct list', () => {
    const input = ['a', 'b'];
    const a = internList(input);
    const b = internList(['a', 'b']);
    expect(a).toEqual(['a', 'b']);
    expect(b).toBe(a);
    // the caller's array is not kept: changing it later changes no record
    expect(a).not.toBe(input);
    input.push('c');
    expect(internList(['a', 'b'])).toEqual(['a', 'b']);
    expect(Object.isFrozen(a)).toBe(true);
    expect(() => (a as string[]).push('x')).toThrow(TypeError);
  });

  it('tells lists apart by order and by where one string ends', () => {
    expect(internList(['b', 'a'])).not.toBe(internList(['a', 'b']));
    expect(internList(['ab'])).not.toBe(internList(['a', 'b']));
    expect(internList(['a,b'])).toEqual(['a,b']);
    expect(internList([])).toEqual([]);
    expect(internList([])).toBe(internList([]));
    expect(internList(['a\u0000b'])).not.toBe(internList(['a', 'b']));
    expect(internList(['a\u0000b'])).toEqual(['a\u0000b']);
  });
});
