/**
 * Free text an admin or a user writes (a name, a description, a note) holds no control characters
 * but tabs and line breaks: PostgreSQL's text cannot hold a NUL (the write failed with a 500), and no
 * page or log shows the others.
 */
export const noControlCharacters = (text: string): boolean => !/[^\P{Cc}\t\n\r]/u.test(text);

export const noControlCharactersMessage = 'must have no control characters';
