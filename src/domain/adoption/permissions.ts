/** Which of the permissions and events Converge needs (app.yml) an installation lacks. */

export type Level = "read" | "write" | "admin";
const rank: Record<string, number> = { read: 1, write: 2, admin: 3 };

export interface PermissionGap {
  permission: string;
  need: Level;
  have: string | undefined;
}

export interface InstallationCheck {
  missingPermissions: PermissionGap[];
  missingEvents: string[];
}

export function checkInstallation(
  needed: { permissions: Record<string, Level>; events: string[] },
  installation: { permissions: Record<string, string | undefined>; events: string[] },
): InstallationCheck {
  const missingPermissions: PermissionGap[] = [];
  for (const [permission, need] of Object.entries(needed.permissions).sort(([a], [b]) => a.localeCompare(b))) {
    const have = installation.permissions[permission];
    if ((rank[have ?? ""] ?? 0) < rank[need]!) missingPermissions.push({ permission, need, have });
  }
  const events = new Set(installation.events);
  return { missingPermissions, missingEvents: needed.events.filter((e) => !events.has(e)).sort() };
}

export function describeCheck(check: InstallationCheck): string[] {
  return [
    ...check.missingPermissions.map((g) => `permission ${g.permission}: needs ${g.need}, installation has ${g.have ?? "none"}`),
    ...check.missingEvents.map((e) => `event ${e}: not subscribed`),
  ];
}
