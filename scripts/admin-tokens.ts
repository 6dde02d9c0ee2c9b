/**
 * Admin API tokens: created here, shown once, stored as SHA-256, revocable.
 *
 *   node dist/scripts/admin-tokens.js create --role admin --label "ป.ป.ท. เขต 5 ระบบรายงาน" [--expires 90d]
 *   node dist/scripts/admin-tokens.js create --role officer --district cm-san-sai --label "ศูนย์ดำรงธรรมสันทราย"
 *   node dist/scripts/admin-tokens.js list [--json] | revoke <tokenId>
 */
import { parseDuration } from "../src/config/schema";
import { AdminTokens } from "../src/admin/auth";
import { AuditLog } from "../src/officers/audit";
import { isCaseRole } from "../src/officers/roles";
import {
  parseCommandLine,
  prepareModels,
  print,
  reportRevocation,
  runMain,
  UsageError,
  type ScriptRun,
} from "./lib/cli";
import { describeScopeForOperator, scopeFromArgs, scopeOptions } from "./lib/scope-args";

export const usage = `usage:
  admin-tokens create --role officer|supervisor|admin --label TEXT [--expires 90d]
                      [--district ID | --province ID | --everywhere | --fallback]... [--category C]...
                      (officer and supervisor tokens need a scope; admin tokens see everything)
  admin-tokens list [--json]
  admin-tokens revoke <tokenId>`;

export const run: ScriptRun = async (argv, context) => {
  const { values, positionals } = parseCommandLine(argv, {
    ...scopeOptions,
    role: { type: "string" },
    label: { type: "string" },
    expires: { type: "string" },
    json: { type: "boolean" },
  });
  const [command, target] = positionals;
  const tokens = new AdminTokens(context.connection);
  const audit = new AuditLog(context.connection, context.now);
  await prepareModels(context.connection);
  const out = (line: string) => print(context.stdout, line);

  switch (command) {
    case "create": {
      if (!isCaseRole(values.role)) throw new UsageError("--role must be officer, supervisor or admin");
      if (!values.label?.trim()) throw new UsageError("--label is required (who or what uses the token)");
      const scope = scopeFromArgs(values, { required: values.role !== "admin" });
      let expiresAt: Date | undefined;
      if (values.expires) {
        try {
          expiresAt = new Date(context.now().getTime() + parseDuration(values.expires));
        } catch {
          throw new UsageError("--expires must look like 30d or 12h");
        }
      }
      const created = await tokens.create(
        { label: values.label.trim(), role: values.role, scope, expiresAt },
        context.now(),
      );
      await audit.record({
        actor: "script",
        action: "create-admin-token",
        channel: "script",
        outcome: "ok",
        details: { tokenId: created.tokenId, role: values.role },
      });
      if (values.json) out(JSON.stringify(created));
      else {
        out(
          `token ${created.tokenId} (${values.role}${values.role === "admin" ? "" : `, ${describeScopeForOperator(scope)}`}):`,
        );
        out(`  ${created.token}`);
        out(
          "It is shown only now: store it in a password manager. Send it as 'Authorization: Bearer <token>'.",
        );
      }
      return 0;
    }
    case "list": {
      const list = await tokens.list();
      if (values.json) {
        out(JSON.stringify(list, null, 2));
        return 0;
      }
      for (const t of list) {
        const state = t.revokedAt
          ? "revoked"
          : t.expiresAt && t.expiresAt <= context.now()
            ? "expired"
            : "active";
        out(
          `  ${t.tokenId}  ${state.padEnd(7)} ${t.role.padEnd(10)} ${describeScopeForOperator(t.scope)}  "${t.label}"  last used ${t.lastUsedAt?.toISOString() ?? "never"}`,
        );
      }
      return 0;
    }
    case "revoke": {
      if (!target) throw new UsageError('revoke needs a token id (see "admin-tokens list")');
      const revoked = await tokens.revoke(target, context.now());
      return reportRevocation(audit, out, {
        action: "revoke-admin-token",
        target,
        revoked,
        details: { tokenId: target },
      });
    }
    default:
      throw new UsageError(command ? `unknown command "${command}"` : "no command given");
  }
};

if (require.main === module) runMain(run, usage);
