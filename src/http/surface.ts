/** The API surface a route belongs to: it decides the shape of every error the client sees. */
export type Surface = 'openai' | 'anthropic' | 'gemini' | 'provider-scoped' | 'management';
