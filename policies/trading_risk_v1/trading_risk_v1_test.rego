# Tests for trading_risk_v1. Every test pins its own limits with
# `with data.trading_risk_v1.limits as ...`, so data.toml can change freely.
package trading_risk_v1_test

import data.trading_risk_v1

# --- fixtures (names must not start with test_) -------------------------------

fixture_limits := {
	"max_order_notional_usd": 1000000,
	"max_daily_loss_usd": 50000,
	"max_context_age_ms": 5000,
	"allowed_venues": ["BINANCE", "CME"],
	"allowed_symbols": ["BTC-USDT", "ETH-USDT", "SOL-USDT"],
}

base_intent := {
	"order_id": "3f1c2a9e-5b7d-4c1e-9a2f-0d6b8e4c7a11",
	"instrument": {"symbol": "BTC-USDT", "venue": "BINANCE"},
	"side": "BUY",
	"quantity": 2,
	"limit_price": 65000,
	"notional_usd": 130000,
}

base_context := {
	"as_of_ms": 1700000000000,
	"positions": {"BTC-USDT": 3, "ETH-USDT": -90},
	"position_limits": {"BTC-USDT": 10, "ETH-USDT": 100},
	"daily_pnl_usd": -1000,
	"halted": false,
}

base_input := {"intent": base_intent, "context": base_context, "now_ms": 1700000001000}

# object.union merges nested objects recursively, so a patch only names what it changes.
with_intent(patch) := object.union(base_input, {"intent": patch})

with_context(patch) := object.union(base_input, {"context": patch})

decide(inp) := d if {
	d := trading_risk_v1.decision with input as inp with data.trading_risk_v1.limits as fixture_limits
}

reasons_for(inp) := r if {
	r := trading_risk_v1.reasons with input as inp with data.trading_risk_v1.limits as fixture_limits
}

# --- allow path ----------------------------------------------------------------

test_allow_within_all_limits if {
	decide(base_input) == {"allow": true, "reasons": []}
}

test_allow_entrypoint_true_within_limits if {
	trading_risk_v1.allow with input as base_input with data.trading_risk_v1.limits as fixture_limits
}

test_allow_at_exact_limits if {
	inp := {
		"intent": object.union(base_intent, {"quantity": 7, "notional_usd": 1000000}),
		"context": object.union(base_context, {"daily_pnl_usd": -50000}),
		"now_ms": 1700000005000,
	}
	decide(inp) == {"allow": true, "reasons": []}
}

test_allow_sell_that_flips_long_to_short_within_limit if {
	# 3 - 13 = -10, abs 10 <= limit 10
	decide(with_intent({"side": "SELL", "quantity": 13})) == {"allow": true, "reasons": []}
}

test_allow_flat_symbol_without_position_entry if {
	inp := object.union(with_intent({"instrument": {"symbol": "SOL-USDT"}}), {"context": {"position_limits": {"SOL-USDT": 500}}})
	decide(inp) == {"allow": true, "reasons": []}
}

test_allow_reducing_an_over_limit_position if {
	# 14 is over the limit of 10 (the limit was lowered); selling 2 brings it to 12: closer to flat, allowed.
	inp := object.union(with_intent({"side": "SELL", "quantity": 2}), {"context": {"positions": {"BTC-USDT": 14}}})
	decide(inp) == {"allow": true, "reasons": []}
}

test_deny_growing_an_over_limit_position if {
	inp := object.union(with_intent({"quantity": 1}), {"context": {"positions": {"BTC-USDT": 14}}})
	d := decide(inp)
	d.reasons == ["POSITION_LIMIT_EXCEEDED: BTC-USDT projected position 15 (current 14, order 1) exceeds limit 10"]
}

test_allow_market_order_with_null_limit_price if {
	decide(with_intent({"limit_price": null})) == {"allow": true, "reasons": []}
}

test_allow_allowed_routing_venue if {
	decide(with_intent({"venue": "CME"})) == {"allow": true, "reasons": []}
}

# --- one deny reason each --------------------------------------------------------

test_deny_max_notional_exceeded if {
	d := decide(with_intent({"notional_usd": 1500000}))
	d.allow == false
	d.reasons == ["MAX_NOTIONAL_EXCEEDED: notional_usd 1500000 > max_order_notional_usd 1000000"]
}

test_deny_position_limit_exceeded_buy if {
	d := decide(with_intent({"quantity": 8}))
	d.allow == false
	d.reasons == ["POSITION_LIMIT_EXCEEDED: BTC-USDT projected position 11 (current 3, order 8) exceeds limit 10"]
}

test_deny_position_limit_exceeded_sell if {
	d := decide(with_intent({"instrument": {"symbol": "ETH-USDT"}, "side": "SELL", "quantity": 20}))
	d.allow == false
	d.reasons == ["POSITION_LIMIT_EXCEEDED: ETH-USDT projected position -110 (current -90, order -20) exceeds limit 100"]
}

test_deny_position_limit_missing if {
	d := decide(with_intent({"instrument": {"symbol": "SOL-USDT"}}))
	d.allow == false
	d.reasons == ["POSITION_LIMIT_MISSING: no position limit for SOL-USDT in risk context"]
}

test_deny_daily_loss_limit_breached if {
	d := decide(with_context({"daily_pnl_usd": -50001}))
	d.allow == false
	d.reasons == ["DAILY_LOSS_LIMIT_BREACHED: daily_pnl_usd -50001 < -50000 (max_daily_loss_usd)"]
}

test_deny_venue_not_allowed if {
	d := decide(with_intent({"instrument": {"venue": "KRAKEN"}}))
	d.allow == false
	d.reasons == ["VENUE_NOT_ALLOWED: venue KRAKEN is not in allowed_venues"]
}

test_deny_routing_venue_not_allowed if {
	d := decide(with_intent({"venue": "OKX"}))
	d.allow == false
	d.reasons == ["VENUE_NOT_ALLOWED: venue OKX is not in allowed_venues"]
}

test_deny_symbol_not_allowed if {
	inp := object.union(with_intent({"instrument": {"symbol": "DOGE-USDT"}}), {"context": {"position_limits": {"DOGE-USDT": 1000}}})
	d := decide(inp)
	d.allow == false
	d.reasons == ["SYMBOL_NOT_ALLOWED: symbol DOGE-USDT is not in allowed_symbols"]
}

test_deny_stale_risk_context if {
	d := decide(object.union(base_input, {"now_ms": 1700000005001}))
	d.allow == false
	d.reasons == ["STALE_RISK_CONTEXT: context age 5001 ms > max_context_age_ms 5000"]
}

# --- kill switch -----------------------------------------------------------------

test_halted_denies_an_otherwise_valid_intent if {
	d := decide(with_context({"halted": true}))
	d == {"allow": false, "reasons": ["halted"]}
}

test_halted_allow_entrypoint_false if {
	inp := with_context({"halted": true})
	not trading_risk_v1.allow with input as inp with data.trading_risk_v1.limits as fixture_limits
}

# --- several violations at once ----------------------------------------------------

multi_violation_input := {
	"intent": {
		"order_id": "9b2e7d4c-1a3f-4e5b-8c6d-2f0a1b3c4d5e",
		"instrument": {"symbol": "DOGE-USDT", "venue": "FTX"},
		"side": "SELL",
		"quantity": 5,
		"limit_price": null,
		"notional_usd": 2000000,
	},
	"context": {
		"as_of_ms": 1700000000000,
		"positions": {},
		"position_limits": {"BTC-USDT": 10},
		"daily_pnl_usd": -75000,
		"halted": true,
	},
	"now_ms": 1700000010000,
}

test_multi_violation_exact_reasons if {
	reasons_for(multi_violation_input) == {
		"halted",
		"MAX_NOTIONAL_EXCEEDED: notional_usd 2000000 > max_order_notional_usd 1000000",
		"POSITION_LIMIT_MISSING: no position limit for DOGE-USDT in risk context",
		"DAILY_LOSS_LIMIT_BREACHED: daily_pnl_usd -75000 < -50000 (max_daily_loss_usd)",
		"VENUE_NOT_ALLOWED: venue FTX is not in allowed_venues",
		"SYMBOL_NOT_ALLOWED: symbol DOGE-USDT is not in allowed_symbols",
		"STALE_RISK_CONTEXT: context age 10000 ms > max_context_age_ms 5000",
	}
}

test_multi_violation_decision_sorted if {
	decide(multi_violation_input) == {
		"allow": false,
		"reasons": [
			"DAILY_LOSS_LIMIT_BREACHED: daily_pnl_usd -75000 < -50000 (max_daily_loss_usd)",
			"MAX_NOTIONAL_EXCEEDED: notional_usd 2000000 > max_order_notional_usd 1000000",
			"POSITION_LIMIT_MISSING: no position limit for DOGE-USDT in risk context",
			"STALE_RISK_CONTEXT: context age 10000 ms > max_context_age_ms 5000",
			"SYMBOL_NOT_ALLOWED: symbol DOGE-USDT is not in allowed_symbols",
			"VENUE_NOT_ALLOWED: venue FTX is not in allowed_venues",
			"halted",
		],
	}
}

test_multi_violation_position_and_notional if {
	reasons_for(with_intent({"quantity": 10, "notional_usd": 1000001})) == {
		"MAX_NOTIONAL_EXCEEDED: notional_usd 1000001 > max_order_notional_usd 1000000",
		"POSITION_LIMIT_EXCEEDED: BTC-USDT projected position 13 (current 3, order 10) exceeds limit 10",
	}
}

# --- fail closed on malformed input or limits ------------------------------------

test_invalid_side_denied if {
	reasons_for(with_intent({"side": "HOLD"})) == {"INVALID_INTENT: side must be BUY or SELL"}
}

test_non_positive_quantity_denied if {
	reasons_for(with_intent({"quantity": 0})) == {"INVALID_INTENT: quantity must be a positive number"}
}

test_missing_notional_denied if {
	inp := {"intent": object.remove(base_intent, ["notional_usd"]), "context": base_context, "now_ms": 1700000001000}
	reasons_for(inp) == {"INVALID_INTENT: notional_usd must be a non-negative number"}
}

test_missing_halted_flag_denied if {
	inp := {"intent": base_intent, "context": object.remove(base_context, ["halted"]), "now_ms": 1700000001000}
	reasons_for(inp) == {"INVALID_CONTEXT: halted must be a boolean"}
}

test_string_halted_flag_denied if {
	reasons_for(with_context({"halted": "false"})) == {"INVALID_CONTEXT: halted must be a boolean"}
}

test_missing_now_denied if {
	inp := {"intent": base_intent, "context": base_context}
	reasons_for(inp) == {"INVALID_INPUT: now_ms must be a number"}
}

test_empty_input_denied if {
	d := decide({})
	d.allow == false
	"INVALID_INPUT: now_ms must be a number" in d.reasons
	"INVALID_CONTEXT: halted must be a boolean" in d.reasons
}

test_missing_limits_fail_closed if {
	r := trading_risk_v1.reasons with input as base_input with data.trading_risk_v1.limits as {}
	r == {
		"LIMIT_MISCONFIGURED: data.trading_risk_v1.limits.max_order_notional_usd must be a number",
		"LIMIT_MISCONFIGURED: data.trading_risk_v1.limits.max_daily_loss_usd must be a number",
		"LIMIT_MISCONFIGURED: data.trading_risk_v1.limits.max_context_age_ms must be a number",
		"LIMIT_MISCONFIGURED: data.trading_risk_v1.limits.allowed_venues must be an array",
		"LIMIT_MISCONFIGURED: data.trading_risk_v1.limits.allowed_symbols must be an array",
	}
}

test_string_limit_fails_closed if {
	limits := object.union(fixture_limits, {"max_order_notional_usd": "1000000"})
	r := trading_risk_v1.reasons with input as base_input with data.trading_risk_v1.limits as limits
	r == {"LIMIT_MISCONFIGURED: data.trading_risk_v1.limits.max_order_notional_usd must be a number"}
}
