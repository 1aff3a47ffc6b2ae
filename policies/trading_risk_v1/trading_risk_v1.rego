# trading_risk_v1: pre-trade risk gate for order.intent.route.v1 (Rego v1, OPA >= 1.0).
#
# PolicyGuard evaluates this pack for every candidate order intent before it is
# produced; the intent is published only when `allow` is true, and the decision
# (with its reasons) is written to platform.audit.record.v1 either way.
#
# Input:
#   input.intent   an order.intent.route.v1 payload as JSON:
#                    order_id            string
#                    instrument.symbol   string
#                    instrument.venue    string
#                    venue               string, optional: the venue the order is routed to when
#                                        it differs from instrument.venue; checked as well
#                    side                "BUY" | "SELL"
#                    quantity            number > 0, base units
#                    limit_price         number (quote currency) | null (market order)
#                    notional_usd        number >= 0, USD
#   input.context  PolicyGuard's projection of the latest risk.state.context.v1
#                  (as_of_ms is its as_of; halted is true while risk's trading_mode is
#                  HALTED or a system.halt.intent.v1 HALT covers policy-guard):
#                    as_of_ms            number, UTC epoch ms the context was computed at
#                    positions           object: symbol -> signed quantity, base units
#                                        (a symbol not listed is flat: 0)
#                    position_limits     object: symbol -> max absolute quantity, base units
#                    daily_pnl_usd       number, USD, negative = loss
#                    halted              boolean, true while the kill switch is engaged
#   input.now_ms   number, UTC epoch ms at evaluation
#
# Data (policies/trading_risk_v1/data.toml, loaded as data.trading_risk_v1):
#   limits.max_order_notional_usd  number, USD
#   limits.max_daily_loss_usd      number, USD, positive
#   limits.max_context_age_ms      number, ms
#   limits.allowed_venues          array of venue strings
#   limits.allowed_symbols         array of symbol strings
#
# Output:
#   allow     boolean; true only when `reasons` is empty
#   reasons   set of strings "CODE: detail" (the kill switch gives the bare code "halted")
#   decision  {"allow": allow, "reasons": reasons as a sorted array}
#
# The pack fails closed: a missing or mistyped input field or limit adds an
# INVALID_* / LIMIT_MISCONFIGURED / POSITION_LIMIT_MISSING reason instead of
# silently skipping the check that needs it.
package trading_risk_v1

default allow := false

allow if count(reasons) == 0

decision := {
	"allow": allow,
	"reasons": sort([r | some r in reasons]),
}

# --- kill switch -------------------------------------------------------------

reasons contains "halted" if input.context.halted == true

# --- limits ------------------------------------------------------------------

reasons contains msg if {
	notional := input.intent.notional_usd
	is_number(notional)
	max_notional := data.trading_risk_v1.limits.max_order_notional_usd
	is_number(max_notional)
	notional > max_notional
	msg := sprintf("MAX_NOTIONAL_EXCEEDED: notional_usd %v > max_order_notional_usd %v", [notional, max_notional])
}

reasons contains msg if {
	symbol := input.intent.instrument.symbol
	is_string(symbol)
	limit := input.context.position_limits[symbol]
	is_number(limit)
	is_object(input.context.positions)
	current := object.get(input.context.positions, symbol, 0)
	is_number(current)
	is_number(signed_quantity)
	projected := current + signed_quantity
	abs(projected) > limit
	# An order that brings an over-limit position closer to flat is de-risking: allow it.
	abs(projected) >= abs(current)
	detail := [symbol, projected, current, signed_quantity, limit]
	msg := sprintf("POSITION_LIMIT_EXCEEDED: %s projected position %v (current %v, order %v) exceeds limit %v", detail)
}

reasons contains msg if {
	symbol := input.intent.instrument.symbol
	is_string(symbol)
	not has_position_limit(symbol)
	msg := sprintf("POSITION_LIMIT_MISSING: no position limit for %s in risk context", [symbol])
}

reasons contains msg if {
	pnl := input.context.daily_pnl_usd
	is_number(pnl)
	max_loss := data.trading_risk_v1.limits.max_daily_loss_usd
	is_number(max_loss)
	pnl < 0 - max_loss
	msg := sprintf("DAILY_LOSS_LIMIT_BREACHED: daily_pnl_usd %v < -%v (max_daily_loss_usd)", [pnl, max_loss])
}

reasons contains msg if {
	some venue in order_venues
	allowed := data.trading_risk_v1.limits.allowed_venues
	list_like(allowed)
	not venue in allowed
	msg := sprintf("VENUE_NOT_ALLOWED: venue %s is not in allowed_venues", [venue])
}

reasons contains msg if {
	symbol := input.intent.instrument.symbol
	is_string(symbol)
	allowed := data.trading_risk_v1.limits.allowed_symbols
	list_like(allowed)
	not symbol in allowed
	msg := sprintf("SYMBOL_NOT_ALLOWED: symbol %s is not in allowed_symbols", [symbol])
}

reasons contains msg if {
	now := input.now_ms
	is_number(now)
	as_of := input.context.as_of_ms
	is_number(as_of)
	max_age := data.trading_risk_v1.limits.max_context_age_ms
	is_number(max_age)
	age := now - as_of
	age > max_age
	msg := sprintf("STALE_RISK_CONTEXT: context age %v ms > max_context_age_ms %v", [age, max_age])
}

# --- derived values ------------------------------------------------------------

# Order quantity signed by side: positive for BUY, negative for SELL;
# undefined for any other side or a non-numeric quantity.
side_sign := {"BUY": 1, "SELL": -1}

signed_quantity := q if {
	quantity := input.intent.quantity
	is_number(quantity)
	sign := side_sign[input.intent.side]
	q := quantity * sign
}

# Venues the order touches: the instrument's listing venue and, when the payload
# carries one (order.intent.route.v1 top-level `venue`), the venue it is routed to.
order_venues contains venue if {
	venue := input.intent.instrument.venue
	is_string(venue)
}

order_venues contains venue if {
	venue := input.intent.venue
	is_string(venue)
}

has_position_limit(symbol) if is_number(input.context.position_limits[symbol])

list_like(x) if is_array(x)

list_like(x) if is_set(x)

positive_number(x) if {
	is_number(x)
	x > 0
}

non_negative_number(x) if {
	is_number(x)
	x >= 0
}

non_empty_string(x) if {
	is_string(x)
	x != ""
}

# --- fail closed on malformed input ------------------------------------------

reasons contains "INVALID_INTENT: instrument.symbol must be a non-empty string" if {
	not non_empty_string(input.intent.instrument.symbol)
}

reasons contains "INVALID_INTENT: instrument.venue must be a non-empty string" if {
	not non_empty_string(input.intent.instrument.venue)
}

reasons contains "INVALID_INTENT: venue must be a non-empty string when present" if {
	is_object(input.intent)
	venue := object.get(input.intent, "venue", null)
	venue != null
	not non_empty_string(venue)
}

reasons contains "INVALID_INTENT: side must be BUY or SELL" if {
	not input.intent.side in object.keys(side_sign)
}

reasons contains "INVALID_INTENT: quantity must be a positive number" if {
	not positive_number(input.intent.quantity)
}

reasons contains "INVALID_INTENT: notional_usd must be a non-negative number" if {
	not non_negative_number(input.intent.notional_usd)
}

reasons contains "INVALID_CONTEXT: as_of_ms must be a number" if {
	not is_number(input.context.as_of_ms)
}

reasons contains "INVALID_CONTEXT: positions must be an object" if {
	not is_object(input.context.positions)
}

reasons contains "INVALID_CONTEXT: position_limits must be an object" if {
	not is_object(input.context.position_limits)
}

reasons contains "INVALID_CONTEXT: daily_pnl_usd must be a number" if {
	not is_number(input.context.daily_pnl_usd)
}

reasons contains "INVALID_CONTEXT: halted must be a boolean" if {
	not is_boolean(input.context.halted)
}

reasons contains "INVALID_INPUT: now_ms must be a number" if {
	not is_number(input.now_ms)
}

# --- fail closed on missing or mistyped limits -------------------------------

number_limit_keys := {"max_order_notional_usd", "max_daily_loss_usd", "max_context_age_ms"}

list_limit_keys := {"allowed_venues", "allowed_symbols"}

reasons contains msg if {
	some key in number_limit_keys
	not is_number(data.trading_risk_v1.limits[key])
	msg := sprintf("LIMIT_MISCONFIGURED: data.trading_risk_v1.limits.%s must be a number", [key])
}

reasons contains msg if {
	some key in list_limit_keys
	not list_like(data.trading_risk_v1.limits[key])
	msg := sprintf("LIMIT_MISCONFIGURED: data.trading_risk_v1.limits.%s must be an array", [key])
}
