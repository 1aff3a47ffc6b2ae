# Tests for authz_v1. Every test pins its own tables with
# `with data.authz_v1.producers/consumers as ...`, so data.toml can change freely.
package authz_v1_test

import data.authz_v1

# --- fixtures (names must not start with test_) -------------------------------

fixture_producers := {
	"order.intent.route.v1": ["policy-guard"],
	"execution.event.fill.v1": ["execution"],
	"system.halt.intent.v1": ["orchestrator", "compliance"],
	"platform.audit.record.v1": ["policy-guard", "order", "compliance"],
	"platform.dlq.record.v1": [],
}

fixture_consumers := {
	"order.intent.route.v1": ["order", "execution", "compliance"],
	"execution.event.fill.v1": ["risk", "hedger"],
	"system.halt.intent.v1": ["execution"],
	"platform.dlq.record.v1": ["housekeeping"],
}

decide(inp) := d if {
	d := authz_v1.decision with input as inp with data.authz_v1.producers as fixture_producers with data.authz_v1.consumers as fixture_consumers
}

request(agent, action, contract) := {"agent": agent, "action": action, "contract": contract}

allowed := {"allow": true, "reasons": []}

# --- produce ------------------------------------------------------------------------

test_listed_producer_allowed if {
	decide(request("policy-guard", "produce", "order.intent.route.v1")) == allowed
}

test_allow_entrypoint_true_for_listed_producer if {
	inp := request("execution", "produce", "execution.event.fill.v1")
	authz_v1.allow with input as inp with data.authz_v1.producers as fixture_producers with data.authz_v1.consumers as fixture_consumers
}

test_unlisted_producer_denied if {
	decide(request("execution", "produce", "order.intent.route.v1")) == {
		"allow": false,
		"reasons": ["NOT_AUTHORIZED: agent execution may not produce order.intent.route.v1"],
	}
}

test_allow_entrypoint_false_for_unlisted_producer if {
	inp := request("signal", "produce", "order.intent.route.v1")
	not authz_v1.allow with input as inp with data.authz_v1.producers as fixture_producers with data.authz_v1.consumers as fixture_consumers
}

test_one_of_several_producers_allowed if {
	decide(request("order", "produce", "platform.audit.record.v1")) == allowed
}

test_runtime_contract_not_produced_by_agents if {
	decide(request("housekeeping", "produce", "platform.dlq.record.v1")) == {
		"allow": false,
		"reasons": ["NOT_AUTHORIZED: agent housekeeping may not produce platform.dlq.record.v1"],
	}
}

test_consumer_may_not_produce if {
	# Listed as a consumer of the contract, not as a producer.
	d := decide(request("risk", "produce", "execution.event.fill.v1"))
	d.allow == false
}

# --- consume ------------------------------------------------------------------------

test_listed_consumer_allowed if {
	decide(request("hedger", "consume", "execution.event.fill.v1")) == allowed
}

test_unlisted_consumer_denied if {
	decide(request("signal", "consume", "execution.event.fill.v1")) == {
		"allow": false,
		"reasons": ["NOT_AUTHORIZED: agent signal may not consume execution.event.fill.v1"],
	}
}

test_producer_may_not_consume_unless_listed if {
	d := decide(request("policy-guard", "consume", "order.intent.route.v1"))
	d.allow == false
}

test_housekeeping_consumes_dlq if {
	decide(request("housekeeping", "consume", "platform.dlq.record.v1")) == allowed
}

# --- kill switch ----------------------------------------------------------------------

test_halt_consumable_by_listed_agent if {
	decide(request("execution", "consume", "system.halt.intent.v1")) == allowed
}

test_halt_consumable_by_every_agent_even_unlisted if {
	every agent in ["market-data", "signal", "policy-guard", "housekeeping", "a-future-agent"] {
		decide(request(agent, "consume", "system.halt.intent.v1")) == allowed
	}
}

test_halt_consumable_without_any_tables if {
	inp := request("risk", "consume", "system.halt.intent.v1")
	d := authz_v1.decision with input as inp with data.authz_v1.producers as {} with data.authz_v1.consumers as {}
	d == allowed
}

test_halt_producers_allowed if {
	decide(request("orchestrator", "produce", "system.halt.intent.v1")) == allowed
	decide(request("compliance", "produce", "system.halt.intent.v1")) == allowed
}

test_halt_production_restricted if {
	decide(request("signal", "produce", "system.halt.intent.v1")) == {
		"allow": false,
		"reasons": ["NOT_AUTHORIZED: agent signal may not produce system.halt.intent.v1"],
	}
}

# --- unknown contracts and malformed requests ----------------------------------------

test_unknown_contract_denied if {
	decide(request("signal", "produce", "signal.event.rumour.v1")) == {
		"allow": false,
		"reasons": ["UNKNOWN_CONTRACT: signal.event.rumour.v1 has no entry in data.authz_v1.producers"],
	}
}

test_unknown_contract_consume_denied if {
	decide(request("risk", "consume", "risk.state.context.v1")) == {
		"allow": false,
		"reasons": ["UNKNOWN_CONTRACT: risk.state.context.v1 has no entry in data.authz_v1.consumers"],
	}
}

test_missing_tables_deny if {
	inp := request("policy-guard", "produce", "order.intent.route.v1")
	d := authz_v1.decision with input as inp with data.authz_v1.producers as {} with data.authz_v1.consumers as {}
	d.allow == false
}

test_invalid_action_denied if {
	decide(request("policy-guard", "delete", "order.intent.route.v1")) == {
		"allow": false,
		"reasons": ["INVALID_INPUT: action must be produce or consume"],
	}
}

test_empty_agent_denied if {
	decide(request("", "produce", "order.intent.route.v1")) == {
		"allow": false,
		"reasons": ["INVALID_INPUT: agent must be a non-empty string"],
	}
}

test_empty_agent_may_not_consume_halt if {
	d := decide(request("", "consume", "system.halt.intent.v1"))
	d.allow == false
}

test_empty_input_denied_with_sorted_reasons if {
	decide({}) == {
		"allow": false,
		"reasons": [
			"INVALID_INPUT: action must be produce or consume",
			"INVALID_INPUT: agent must be a non-empty string",
			"INVALID_INPUT: contract must be a non-empty string",
		],
	}
}

test_non_string_agent_denied if {
	d := decide({"agent": 42, "action": "consume", "contract": "system.halt.intent.v1"})
	d.allow == false
}
