import { accountPaths } from './account-paths.ts';
import { componentSchemas } from './component-schemas.ts';
import { creditPaths } from './credit-paths.ts';
import { creditSchemas } from './credit-schemas.ts';
import { logPaths } from './log-paths.ts';
import type { OpenApiDocument } from './openapi-types.ts';
import { operatorPaths } from './operator-paths.ts';
import { relayPaths } from './relay-paths.ts';

/** The OpenAPI 3.1 description of the management API, and of the relay routes in brief. */
export function openApiDocument(version: string): OpenApiDocument {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Switchboard',
      version,
      description:
        'A self-hosted LLM gateway. Management routes (/api/*) answer in the envelope ' +
        '{success, message, data} and take a session token from POST /api/user/login. Relay routes ' +
        'take an API key and speak each provider’s own wire format. Credits are integer micro-credits ' +
        '(1 credit = 1,000,000). Prometheus metrics are at GET /metrics (not described here).',
    },
    servers: [{ url: '/' }],
    tags: [
      { name: 'users', description: 'Sessions, the caller’s account, and users (admins)' },
      { name: 'tokens', description: 'The caller’s API keys' },
      { name: 'logs', description: 'The request log' },
      { name: 'dashboard', description: 'Traffic figures from hourly rollups' },
      { name: 'settings', description: 'Run-time settings (admins)' },
      { name: 'channels', description: 'Upstream channels (admins)' },
      { name: 'models', description: 'The model catalog and model prices (admins)' },
      {
        name: 'credits',
        description: 'Groups and plans (admins), the credit ledger, redemption codes',
      },
      { name: 'status', description: 'Health and this document' },
      { name: 'openai', description: 'OpenAI-format relay' },
      { name: 'anthropic', description: 'Anthropic-format relay' },
      { name: 'gemini', description: 'Gemini-format relay' },
      { name: 'provider-scoped', description: 'Relay restricted to one provider' },
    ],
    paths: { ...accountPaths, ...creditPaths, ...logPaths, ...operatorPaths, ...relayPaths },
    components: {
      schemas: { ...componentSchemas, ...creditSchemas },
      securitySchemes: {
        session: {
          type: 'apiKey',
          in: 'header',
          name: 'Authorization',
          description: 'The session token from POST /api/user/login (a `Bearer ` prefix is accepted)',
        },
        bearer: { type: 'http', scheme: 'bearer', description: 'An API key, `sk-…`' },
        anthropicKey: {
          type: 'apiKey',
          in: 'header',
          name: 'x-api-key',
          description: 'An API key (Anthropic clients)',
        },
        googleKey: {
          type: 'apiKey',
          in: 'header',
          name: 'x-goog-api-key',
          description: 'An API key (Google clients)',
        },
        googleQueryKey: {
          type: 'apiKey',
          in: 'query',
          name: 'key',
          description: 'An API key (Google clients)',
        },
      },
    },
  };
}
