/**
 * Rich menu endpoints (LINE-FACTS §9; DOCS-REF #rich-menu, #per-user-rich-menu, #rich-menu-alias):
 * create/validate/list/get/delete, the image (api-data), the default menu, per-user links and aliases.
 * Error wording is LINE's where its reference shows an example, ours otherwise.
 */
import { lineError, ok, validationError, type ApiRequest, type ApiResponse } from "./api-response";
import { USER_ID } from "./ids";
import { bodyObject, type PlatformState, type Route } from "./platform-state";
import {
  imageDimensions,
  MAX_RICH_MENU_ALIASES,
  MAX_RICH_MENUS,
  RICH_MENU_ALIAS_ID,
  RICH_MENU_ID,
  type StoredRichMenu,
} from "./rich-menus";
import { Checker, checkRichMenu, RICH_MENU_LIMITS } from "./validation";

const notFound = (): ApiResponse => lineError(404, "Not found");
const param = (req: ApiRequest, name: string): string => req.params[name] ?? "";

function checkedMenu(req: ApiRequest): { menu?: Omit<StoredRichMenu, "richMenuId">; error?: ApiResponse } {
  const c = new Checker();
  checkRichMenu(c, req.body);
  if (c.details.length > 0) return { error: validationError(c.details) };
  const body = bodyObject(req.body);
  return {
    menu: {
      size: body["size"] as StoredRichMenu["size"],
      selected: body["selected"] as boolean,
      name: body["name"] as string,
      chatBarText: body["chatBarText"] as string,
      areas: body["areas"] as StoredRichMenu["areas"],
    },
  };
}

function create(state: PlatformState, req: ApiRequest): ApiResponse {
  const { menu, error } = checkedMenu(req);
  if (error) return error;
  if (state.richMenus.count >= MAX_RICH_MENUS) {
    return lineError(400, `The maximum number of rich menus (${MAX_RICH_MENUS}) has been reached`);
  }
  return ok({ richMenuId: state.richMenus.create(menu!).richMenuId });
}

function uploadImage(state: PlatformState, req: ApiRequest): ApiResponse {
  const menu = state.richMenus.get(param(req, "richMenuId"));
  if (!menu) return notFound();
  const contentType = (req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (contentType !== "image/png" && contentType !== "image/jpeg") {
    return lineError(415, `The content type, ${contentType || "(none)"}, is not supported`);
  }
  if (state.richMenus.hasImage(menu.richMenuId)) {
    return lineError(400, "An image has already been uploaded to the richmenu");
  }
  const bytes = req.body as Buffer;
  const dimensions = imageDimensions(bytes, contentType);
  // LINE documents format, 800–2500 × ≥250, w/h ≥ 1.45 and 1 MB. That the image must also match the
  // menu's size is our stricter assumption, so a stretched menu never reaches LINE.
  const fits =
    dimensions !== undefined &&
    bytes.length <= RICH_MENU_LIMITS.imageBytes &&
    dimensions.width === menu.size.width &&
    dimensions.height === menu.size.height;
  if (!fits) return lineError(400, "The image size is not allowed for richmenu");
  state.richMenus.setImage(menu.richMenuId, { bytes, contentType });
  return ok({});
}

function downloadImage(state: PlatformState, req: ApiRequest): ApiResponse {
  const image = state.richMenus.image(param(req, "richMenuId"));
  if (!image) return notFound();
  return { status: 200, binary: image };
}

function setDefault(state: PlatformState, req: ApiRequest): ApiResponse {
  const id = param(req, "richMenuId");
  if (!state.richMenus.get(id)) return notFound();
  if (!state.richMenus.hasImage(id)) {
    return lineError(400, "must upload richmenu image before applying it to user");
  }
  state.richMenus.setDefault(id);
  return ok({});
}

function getDefault(state: PlatformState): ApiResponse {
  const id = state.richMenus.defaultMenuId;
  return id === undefined ? lineError(404, "no default richmenu") : ok({ richMenuId: id });
}

function linkUser(state: PlatformState, req: ApiRequest): ApiResponse {
  const userId = param(req, "userId");
  if (!USER_ID.test(userId)) return lineError(400, "The value for the 'userId' parameter is invalid");
  const id = param(req, "richMenuId");
  if (!state.richMenus.get(id)) return notFound();
  if (!state.richMenus.hasImage(id)) {
    return lineError(400, "must upload richmenu image before applying it to user");
  }
  state.richMenus.link(userId, id);
  return ok({});
}

function userMenu(state: PlatformState, req: ApiRequest): ApiResponse {
  const userId = param(req, "userId");
  if (!USER_ID.test(userId)) return lineError(400, "The value for the 'userId' parameter is invalid");
  const id = state.richMenus.linkedTo(userId);
  return id === undefined ? lineError(404, "the user has no richmenu") : ok({ richMenuId: id });
}

function unlinkUser(state: PlatformState, req: ApiRequest): ApiResponse {
  const userId = param(req, "userId");
  if (!USER_ID.test(userId)) return lineError(400, "The value for the 'userId' parameter is invalid");
  state.richMenus.unlink(userId);
  return ok({});
}

/** The checks create and update share: a well-formed id of an existing menu that has its image. */
function aliasTarget(state: PlatformState, richMenuId: unknown, c: Checker): ApiResponse | undefined {
  if (typeof richMenuId !== "string" || !RICH_MENU_ID.test(richMenuId))
    c.add("richMenuId", "invalid richMenuId");
  if (c.details.length > 0) return validationError(c.details);
  if (!state.richMenus.hasImage(richMenuId as string)) return lineError(400, "richmenu not found");
  return undefined;
}

function createAlias(state: PlatformState, req: ApiRequest): ApiResponse {
  const body = bodyObject(req.body);
  const c = new Checker();
  const aliasId = body["richMenuAliasId"];
  if (typeof aliasId !== "string" || !RICH_MENU_ALIAS_ID.test(aliasId)) {
    c.add("richMenuAliasId", "Must be 1 to 32 characters of a-z, 0-9, _ and -");
  }
  const rejected = aliasTarget(state, body["richMenuId"], c);
  if (rejected) return rejected;
  if (state.richMenus.alias(aliasId as string) !== undefined)
    return lineError(400, "conflict richmenu alias id");
  if (state.richMenus.aliasCount >= MAX_RICH_MENU_ALIASES) {
    return lineError(
      400,
      `The maximum number of rich menu aliases (${MAX_RICH_MENU_ALIASES}) has been reached`,
    );
  }
  state.richMenus.setAlias(aliasId as string, body["richMenuId"] as string);
  return ok({});
}

function updateAlias(state: PlatformState, req: ApiRequest): ApiResponse {
  const aliasId = param(req, "richMenuAliasId");
  if (state.richMenus.alias(aliasId) === undefined) return lineError(404, "richmenu alias not found");
  const body = bodyObject(req.body);
  const rejected = aliasTarget(state, body["richMenuId"], new Checker());
  if (rejected) return rejected;
  state.richMenus.setAlias(aliasId, body["richMenuId"] as string);
  return ok({});
}

function getAlias(state: PlatformState, req: ApiRequest): ApiResponse {
  const aliasId = param(req, "richMenuAliasId");
  const richMenuId = state.richMenus.alias(aliasId);
  if (richMenuId === undefined) return lineError(404, "richmenu alias not found");
  return ok({ richMenuAliasId: aliasId, richMenuId });
}

export function richMenuRoutes(state: PlatformState): Route[] {
  const menus = state.richMenus;
  // Fixed paths before the {richMenuId} patterns they would otherwise match ("list", "alias", "validate").
  return [
    {
      method: "POST",
      template: "/v2/bot/richmenu/validate",
      handle: (req) => checkedMenu(req).error ?? ok({}),
    },
    { method: "GET", template: "/v2/bot/richmenu/list", handle: () => ok({ richmenus: menus.list() }) },
    {
      method: "GET",
      template: "/v2/bot/richmenu/alias/list",
      handle: () => ok({ aliases: menus.aliases() }),
    },
    { method: "POST", template: "/v2/bot/richmenu/alias", handle: (req) => createAlias(state, req) },
    {
      method: "POST",
      template: "/v2/bot/richmenu/alias/{richMenuAliasId}",
      handle: (req) => updateAlias(state, req),
    },
    {
      method: "GET",
      template: "/v2/bot/richmenu/alias/{richMenuAliasId}",
      handle: (req) => getAlias(state, req),
    },
    {
      method: "DELETE",
      template: "/v2/bot/richmenu/alias/{richMenuAliasId}",
      body: "none",
      handle: (req) =>
        menus.deleteAlias(param(req, "richMenuAliasId"))
          ? ok({})
          : lineError(404, "richmenu alias not found"),
    },
    { method: "POST", template: "/v2/bot/richmenu", handle: (req) => create(state, req) },
    {
      method: "GET",
      template: "/v2/bot/richmenu/{richMenuId}",
      handle: (req) => {
        const menu = menus.get(param(req, "richMenuId"));
        return menu ? ok(menu) : notFound();
      },
    },
    {
      method: "DELETE",
      template: "/v2/bot/richmenu/{richMenuId}",
      body: "none",
      handle: (req) => (menus.delete(param(req, "richMenuId")) ? ok({}) : notFound()),
    },
    {
      method: "POST",
      template: "/v2/bot/richmenu/{richMenuId}/content",
      body: "raw",
      handle: (req) => uploadImage(state, req),
    },
    {
      method: "GET",
      template: "/v2/bot/richmenu/{richMenuId}/content",
      handle: (req) => downloadImage(state, req),
    },
    {
      method: "POST",
      template: "/v2/bot/user/all/richmenu/{richMenuId}",
      body: "none",
      handle: (req) => setDefault(state, req),
    },
    { method: "GET", template: "/v2/bot/user/all/richmenu", handle: () => getDefault(state) },
    {
      method: "DELETE",
      template: "/v2/bot/user/all/richmenu",
      body: "none",
      handle: () => {
        menus.setDefault(undefined);
        return ok({});
      },
    },
    {
      method: "POST",
      template: "/v2/bot/user/{userId}/richmenu/{richMenuId}",
      body: "none",
      handle: (req) => linkUser(state, req),
    },
    { method: "GET", template: "/v2/bot/user/{userId}/richmenu", handle: (req) => userMenu(state, req) },
    {
      method: "DELETE",
      template: "/v2/bot/user/{userId}/richmenu",
      body: "none",
      handle: (req) => unlinkUser(state, req),
    },
  ];
}
