/**
 * Replaces `${NAME}` and `${NAME:-default}` with environment values, so a config file in git can
 * name secrets without holding them. `$${…}` stays literal. A variable that is unset and has no
 * default is an error naming it: a channel must not start with an empty key by accident.
 */
export function interpolateEnv(text: string, env: NodeJS.ProcessEnv): string {
  const missing = new Set<string>();
  const result = text.replace(
    /(\$?)\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g,
    (match, escape: string, name: string, fallback: string | undefined) => {
      if (escape === '$') return match.slice(1);
      const value = env[name];
      if (value !== undefined && value !== '') return value;
      if (fallback !== undefined) return fallback;
      missing.add(name);
      return '';
    },
  );
  if (missing.size > 0) {
    throw new Error(`the config file uses unset environment variables: ${[...missing].join(', ')}`);
  }
  return result;
}
