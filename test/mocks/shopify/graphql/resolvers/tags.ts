import { normalizeTags } from "../../stand-in";
import type { ResolverContext } from "../context";
import { notImplemented } from "../errors";
import { customerView, orderView } from "../views";
import { requireGid } from "./query-root";
import { userError } from "./user-errors";

interface TagsArgs {
  id: string;
  tags: string[];
}

/** Customers and orders are the taggable resources the stand-in models. */
function change(
  ctx: ResolverContext,
  { id, tags }: TagsArgs,
  apply: (current: string[], given: string[]) => string[],
) {
  const { type } = requireGid(id);
  if (type !== "Customer" && type !== "Order") throw notImplemented(`tags on ${type}`);
  const record = type === "Customer" ? ctx.state.customers.get(id) : ctx.state.orders.get(id);
  if (!record) return { node: null, userErrors: [userError(["id"], `${type} does not exist`)] };
  record.tags = apply(record.tags, normalizeTags(tags));
  record.updatedAt = ctx.standIn.clock.now();
  const node =
    type === "Customer"
      ? customerView(ctx, ctx.state.customers.get(id)!)
      : orderView(ctx, ctx.state.orders.get(id)!);
  return { node, userErrors: [] };
}

export const tagMutations = {
  tagsAdd: (args: TagsArgs, ctx: ResolverContext) =>
    change(ctx, args, (current, given) => normalizeTags([...current, ...given])),
  tagsRemove: (args: TagsArgs, ctx: ResolverContext) =>
    change(ctx, args, (current, given) => {
      const removed = new Set(given.map((t) => t.toLowerCase()));
      return current.filter((t) => !removed.has(t.toLowerCase()));
    }),
};
