/**
 * Officer enrollment and routing, for operators.
 *
 *   node dist/scripts/officers.js create-code --role officer --district cm-san-sai [--category bribery] [--label "ศูนย์ดำรงธรรมอำเภอสันทราย"] [--expires 7d] [--count 1]
 *   node dist/scripts/officers.js create-code --role campaign [--label "งานประชาสัมพันธ์"]
 *   node dist/scripts/officers.js list | codes | routes --district cm-san-sai [--category bribery]
 *   node dist/scripts/officers.js revoke-officer <id> | revoke-group <id>
 *
 * Codes are printed once and stored hashed; hand each to one person (1:1 "/enroll CODE") or type it
 * in one officer group. Add --json for machine-readable output.
 */
import { parseDuration } from "../src/config/schema";
import { loadGeography } from "../src/geo";
import { AuditLog } from "../src/officers/audit";
import { OfficerDirectory } from "../src/officers/directory";
import { CaseRouter } from "../src/officers/routing";
import { isOfficerRole } from "../src/officers/roles";
import { noPlaces } from "../src/officers/scope";
import { tipCategories, type TipCategory } from "../src/tips/tip";
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
  officers create-code --role officer|supervisor|admin (--district ID | --province ID | --region ID | --everywhere | --fallback)...
                       [--category C]... [--label TEXT] [--expires 7d] [--count N] [--json]
  officers create-code --role campaign [--label TEXT] [--expires 7d] [--count N] [--json]
                                    campaign staff: the console's campaign pages, no cases
  officers list [--json]            enrolled officers and groups (ids, roles, scopes — never LINE ids)
  officers codes [--json]           enrollment codes and whether they are used or expired
  officers routes --district ID [--province ID] [--category C]   who a new tip there would reach
  officers revoke-officer <id>      the officer's buttons are refused from now on
  officers revoke-group <id>        the group gets no more notifications`;

const maxCodes = 100;

export const run: ScriptRun = async (argv, context) => {
  const { values, positionals } = parseCommandLine(argv, {
    ...scopeOptions,
    role: { type: "string" },
    label: { type: "string" },
    expires: { type: "string" },
    count: { type: "string" },
    json: { type: "boolean" },
  });
  const [command, target] = positionals;
  const directory = new OfficerDirectory(context.connection, context.sealer, context.pseudonym);
  const audit = new AuditLog(context.connection, context.now);
  await prepareModels(context.connection);
  const out = (line: string) => print(context.stdout, line);
  const json = (value: unknown) => out(JSON.stringify(value, null, 2));

  switch (command) {
    case "create-code": {
      if (!isOfficerRole(values.role))
        throw new UsageError("--role must be officer, supervisor, admin or campaign");
      // Campaign staff handle no cases: their code covers no place (and takes no place options).
      const campaign = values.role === "campaign";
      const scope = campaign ? noPlaces : scopeFromArgs(values, { required: true });
      const placeGiven = Object.keys(scopeOptions).some((option) => values[option as keyof typeof values]);
      if (campaign && placeGiven)
        throw new UsageError("--role campaign takes no place or category: campaign staff handle no cases");
      const count = Number(values.count ?? "1");
      if (!Number.isInteger(count) || count < 1 || count > maxCodes)
        throw new UsageError(`--count must be 1 to ${maxCodes}`);
      let expiresInMs: number;
      try {
        expiresInMs = parseDuration(values.expires ?? "7d");
      } catch {
        throw new UsageError("--expires must look like 12h or 7d");
      }
      const codes = await directory.createCodes(
        { role: values.role, scope, label: values.label ?? null, expiresInMs, count },
        context.now(),
      );
      for (const code of codes) {
        await audit.record({
          actor: "script",
          action: "create-enrollment-code",
          channel: "script",
          outcome: "ok",
          details: { codeId: code.codeId, role: values.role },
        });
      }
      if (values.json) json(codes.map((code) => ({ ...code, role: values.role, scope })));
      else {
        out(
          `${codes.length} code(s), role ${values.role}, ${describeScopeForOperator(scope)}, expire ${codes[0]!.expiresAt.toISOString()}:`,
        );
        for (const code of codes) out(`  ${code.code}   (id ${code.codeId})`);
        out(
          `Each code works once: "/enroll CODE" in a 1:1 chat enrolls that person, in a group it registers the group.`,
        );
      }
      return 0;
    }
    case "list": {
      const [officers, groups] = await Promise.all([directory.listOfficers(), directory.listGroups()]);
      if (values.json) {
        json({ officers, groups });
        return 0;
      }
      out(`officers (${officers.length}):`);
      for (const o of officers)
        out(
          `  ${o.id}  ${o.status.padEnd(7)} ${o.role.padEnd(10)} ${describeScopeForOperator(o.scope)}${o.label ? `  "${o.label}"` : ""}`,
        );
      out(`groups (${groups.length}):`);
      for (const g of groups)
        out(
          `  ${g.id}  ${g.status.padEnd(7)} ${g.chatType.padEnd(10)} ${describeScopeForOperator(g.scope)}${g.label ? `  "${g.label}"` : ""}`,
        );
      return 0;
    }
    case "codes": {
      const codes = await directory.listCodes(context.now());
      if (values.json) {
        json(codes);
        return 0;
      }
      for (const c of codes)
        out(
          `  ${c.codeId}  ${c.state.padEnd(7)} ${c.role.padEnd(10)} ${describeScopeForOperator(c.scope)}  expires ${c.expiresAt.toISOString()}`,
        );
      return 0;
    }
    case "routes": {
      const geography = loadGeography();
      const districtId = values.district?.[0];
      const district = districtId ? geography.findDistrict(districtId) : undefined;
      if (districtId && !district) throw new UsageError(`unknown district "${districtId}"`);
      const category = (values.category?.[0] ?? "other") as TipCategory;
      if (!tipCategories.includes(category)) throw new UsageError(`unknown category "${category}"`);
      const route = await new CaseRouter(context.connection, directory, geography).routeFor({
        provinceId: district?.provinceId ?? values.province?.[0] ?? null,
        districtId: district?.id ?? null,
        category,
      });
      const result = {
        fallback: route.fallback,
        level: route.level,
        groups: route.groups.map((g) => g._id),
        officers: route.officers.map((o) => o._id),
      };
      if (values.json) {
        json(result);
        return 0;
      }
      out(
        `${route.fallback ? "fallback route" : "routed by scope"} (${route.level}): ${result.groups.length} group(s), ${result.officers.length} officer(s)`,
      );
      for (const id of result.groups) out(`  group   ${id}`);
      for (const id of result.officers) out(`  officer ${id}`);
      return 0;
    }
    case "revoke-officer":
    case "revoke-group": {
      if (!target) throw new UsageError(`${command} needs an id (see "officers list")`);
      const revoked =
        command === "revoke-officer"
          ? await directory.revokeOfficer(target, context.now())
          : await directory.revokeGroup(target, context.now());
      return reportRevocation(audit, out, { action: command, target, revoked, details: { id: target } });
    }
    default:
      throw new UsageError(command ? `unknown command "${command}"` : "no command given");
  }
};

if (require.main === module) runMain(run, usage);
