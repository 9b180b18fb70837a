import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtureFiles, fixturesDir } from '../../../test/support/fixtures.ts';
import { findOpenAiUsage } from './find-openai-usage.ts';
import { readOpenAiUsage } from './read-openai-usage.ts';

const folders = ['openai', 'deepseek', 'mistral', 'xai', 'openai-compatible'];
const wholes = folders
  .flatMap((folder) => fixtureFiles(folder, '.json'))
  .filter((path) => !/embedding|image|error/.test(path));

/** What parsing the whole body reads: the top-level `usage`. */
const parsedUsage = (bytes: Buffer) =>
  readOpenAiUsage((JSON.parse(bytes.toString('utf8')) as { usage?: unknown }).usage);

describe('findOpenAiUsage', () => {
  it.each(wholes)('%s: reads the usage that parsing the whole body reads', (path) => {
    const bytes = readFileSync(join(fixturesDir, path));
    const found = findOpenAiUsage(bytes);
    expect(found).toEqual(parsedUsage(bytes));
    // Serialised without spaces (as most providers send it), the same.
    const compact = Buffer.from(JSON.stringify(JSON.parse(bytes.toString('utf8'))));
    expect(findOpenAiUsage(compact)).toEqual(parsedUsage(bytes));
  });

  it('skips braces and quotes inside strings, including escaped ones', () => {
    const body = {
      id: 'chatcmpl-1',
      choices: [{ message: { role: 'assistant', content: 'a } { "usage": {"prompt_tokens": 99} \\" }' } }],
      usage: {
        prompt_tokens: 12,
        completion_tokens: 7,
        prompt_tokens_details: { cached_tokens: 3, note: 'tricky "}" text \\' },
      },
      system_fingerprint: 'fp',
    };
    expect(findOpenAiUsage(Buffer.from(JSON.stringify(body)))).toEqual({
      inputTokens: 12,
      outputTokens: 7,
      cachedInputTokens: 3,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
    });
  });

  it('leaves to a whole parse a body with no usage, two usage objects, or a broken one', () => {
    expect(findOpenAiUsage(Buffer.from('{"id":"x","usage":null}'))).toBeUndefined();
    expect(
      findOpenAiUsage(Buffer.from('{"usage":{"prompt_tokens":1},"x_ext":{"usage":{"prompt_tokens":2}}}')),
    ).toBeUndefined();
    expect(
      findOpenAiUsage(Buffer.from('{"usage":{"prompt_tokens":1},"x_ext":{"usage": {"prompt_tokens":2}}}')),
    ).toBeUndefined();
    expect(findOpenAiUsage(Buffer.from('{"usage":{"prompt_tokens":1'))).toBeUndefined();
    expect(findOpenAiUsage(Buffer.from('{"usage":{"prompt_tokens":1,}}'))).toBeUndefined();
  });
});
