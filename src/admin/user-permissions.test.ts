import { describe, expect, it } from 'vitest';
import type { UserRole } from '../store/schema.ts';
import { manageRefusal, roleGrantRefusal } from './user-permissions.ts';

const as = (role: UserRole) => ({ role });

describe('roleGrantRefusal', () => {
  it('lets root grant every role', () => {
    for (const role of ['user', 'admin', 'root'] as const)
      expect(roleGrantRefusal(as('root'), role)).toBeNull();
  });

  it('lets an admin grant only the user role', () => {
    expect(roleGrantRefusal(as('admin'), 'user')).toBeNull();
    expect(roleGrantRefusal(as('admin'), 'admin')).toMatch(/only root/i);
    expect(roleGrantRefusal(as('admin'), 'root')).toMatch(/only root may create or promote a root/i);
  });

  it('lets a plain user grant nothing above user', () => {
    expect(roleGrantRefusal(as('user'), 'admin')).not.toBeNull();
    expect(roleGrantRefusal(as('user'), 'root')).not.toBeNull();
  });
});

describe('manageRefusal', () => {
  it('lets root manage anyone', () => {
    for (const role of ['user', 'admin', 'root'] as const)
      expect(manageRefusal(as('root'), as(role))).toBeNull();
  });

  it('lets an admin manage only plain users', () => {
    expect(manageRefusal(as('admin'), as('user'))).toBeNull();
    expect(manageRefusal(as('admin'), as('admin'))).toMatch(/only root/i);
    expect(manageRefusal(as('admin'), as('root'))).toMatch(/only root/i);
  });

  it('lets a plain user manage nobody', () => {
    expect(manageRefusal(as('user'), as('user'))).not.toBeNull();
  });
});
