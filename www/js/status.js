// Event states and how the stream's changes move an event between them.
// Pending, leased and dead come and go (a lease ends, is given back or
// runs out of deliveries; a dead event is redriven); acknowledged and then
// deleted are final: an event never goes back from them.

import { formatTime } from "./format.js";

// label: the badge's text; final: 0 for the states an event can leave,
// then acknowledged < deleted.
const STATUS = {
	pending: { label: "Pending", final: 0 },
	leased: { label: "Leased", final: 0 },
	dead: { label: "Dead", final: 0 },
	acknowledged: { label: "Acknowledged", final: 1 },
	deleted: { label: "Deleted", final: 2 },
};

export const statusLabel = (status) => (STATUS[status] ? STATUS[status].label : status);
export const finality = (status) => (STATUS[status] ? STATUS[status].final : 0);

// Per change on the stream: the fields it sets on the event.
// (event.created carries the whole event instead.)
const CHANGES = {
	"event.acknowledged": (d) => ({ status: "acknowledged", acked_at: d.acked_at }),
	"event.deleted": () => ({ status: "deleted" }),
	"event.leased": (d) => ({ status: "leased", lease_expires_at: d.lease_expires_at, delivery_count: d.delivery_count }),
	"event.released": () => ({ status: "pending", lease_expires_at: null }),
	"event.dead_lettered": (d) => ({ status: "dead", dead_at: d.dead_at, delivery_count: d.delivery_count, lease_expires_at: null }),
	"event.redriven": () => ({ status: "pending", dead_at: null, delivery_count: 0 }),
};

// Every event name the stream sends that the dashboard follows.
export const CHANGE_KINDS = ["event.created", ...Object.keys(CHANGES)];

// The fields a change sets, or null for an unknown kind. Fields the
// change did not carry are left out, so they keep their old values.
export function changePatch(kind, data) {
	const patch = CHANGES[kind] ? CHANGES[kind](data) : null;
	if (!patch) return null;
	for (const k of Object.keys(patch)) if (patch[k] === undefined) delete patch[k];
	return patch;
}

// A lease ends at lease_expires_at with no word on the stream; from then
// on the server counts the event as pending again. Milliseconds until the
// event's lease ends (0 if it has), or null when it is not leased.
export function leaseLeft(ev, now = Date.now()) {
	if (ev.status !== "leased") return null;
	const end = Date.parse(ev.lease_expires_at);
	if (Number.isNaN(end)) return null;
	return Math.max(0, end - now);
}

// The event as the server sees it now: pending once its lease has ended.
export function settle(ev, now = Date.now()) {
	return leaseLeft(ev, now) === 0 ? { ...ev, status: "pending", lease_expires_at: null } : ev;
}

export const deliveries = (n) => `${n} ${n === 1 ? "delivery" : "deliveries"}`;

// The short lines under the badge: {until, count} (either may be absent).
// A leased event says when its lease ends and which delivery this is; a
// dead one how many deliveries it had; a pending one that was delivered
// before, how many times.
export function statusNote(ev) {
	const n = Number.isInteger(ev.delivery_count) ? ev.delivery_count : 0;
	switch (ev.status) {
	case "leased":
		return { until: ev.lease_expires_at, count: deliveries(n) };
	case "dead":
		return { count: `after ${deliveries(n)}` };
	case "pending":
		return n > 0 ? { count: deliveries(n) } : {};
	default:
		return {};
	}
}

// The note as one phrase, for the row's accessible name.
export function statusNoteText(ev) {
	const { until, count } = statusNote(ev);
	return [until ? `until ${formatTime(until)}` : "", count || ""].filter(Boolean).join(", ");
}
