import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { channelCreateBody } from '../admin/channel-input.ts';
import { groupEntry, planEntry } from '../admin/tariff-input.ts';
import { interpolateEnv } from './interpolate-env.ts';

/**
 * The declarative deployment file (`SWITCHBOARD_CONFIG`): channels, catalog models, groups and
 * plans. Model entries take the fields of `PUT /api/model/` plus their `id`; channel entries those
 * of `POST /api/channel/`, matched to stored channels by `name`.
 */
export const configFileSchema = z.strictObject({
  channels: z.array(channelCreateBody).max(10_000).default([]),
  models: z.array(z.unknown()).max(10_000).default([]),
  groups: z.array(groupEntry).max(1000).default([]),
  plans: z.array(planEntry).max(1000).default([]),
});

export type ConfigFile = z.infer<typeof configFileSchema>;

export class ConfigFileError extends Error {
  override readonly name = 'ConfigFileError';
}

/** Reads, interpolates `${VAR}`s and validates the file; every problem names the file and the field. */
export function readConfigFile(path: string, env: NodeJS.ProcessEnv = process.env): ConfigFile {
  let text: string;
  try {
    text = interpolateEnv(readFileSync(path, 'utf8'), env);
  } catch (error) {
    throw new ConfigFileError(`${path}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  let document: unknown;
  try {
    document = parse(text) ?? {};
  } catch (error) {
    throw new ConfigFileError(
      `${path}: not valid YAML: ${error instanceof Error ? error.message : String(error)}`,
      {
        cause: error,
      },
    );
  }
  const parsed = configFileSchema.safeParse(document);
  if (!parsed.success) {
    const lines = parsed.error.issues.map(
      (issue) => `  ${issue.path.join('.') || '(file)'}: ${issue.message}`,
    );
    throw new ConfigFileError(`${path} is invalid:\n${lines.join('\n')}`);
  }
  const names = new Set<string>();
  parsed.data.channels.forEach((channel, index) => {
    if (names.has(channel.name)) {
      throw new ConfigFileError(
        `${path} is invalid:\n  channels.${index}.name: '${channel.name}' is declared twice`,
      );
    }
    names.add(channel.name);
  });
  return parsed.data;
}
