# authz_v1: which agent may produce or consume which contract (Rego v1, OPA >= 1.0).
#
# AuthZ by message type (mas-blueprint "Security Hardening"): every agent that
# lists authz_v1 under `guards` evaluates it before producing, and the bus side
# (SDK consumer, mesh sidecar) evaluates it before delivering a record.
#
# Input:
#   input.agent     string, agent name as in agents/<agent>.yaml (e.g. "policy-guard")
#   input.action    "produce" | "consume"
#   input.contract  string, contract name (e.g. "order.intent.route.v1")
#
# Data (policies/authz_v1/data.toml, loaded as data.authz_v1):
#   producers  object: contract name -> array of agent names allowed to produce it
#   consumers  object: contract name -> array of agent names allowed to consume it
#   Both mirror the `produces` / `consumes` lists of agents/*.yaml.
#
# Rules beyond the tables:
#   - any agent may consume system.halt.intent.v1 (the kill switch must reach
#     every agent, even one the tables do not list yet);
#   - everything not listed is denied (a contract missing from a table, or a
#     runtime contract such as platform.dlq.record.v1 that no agent produces).
#
# Output:
#   allow     boolean; true only when `reasons` is empty
#   reasons   set of strings "CODE: detail"
#   decision  {"allow": allow, "reasons": reasons as a sorted array}
package authz_v1

default allow := false

allow if count(reasons) == 0

decision := {
	"allow": allow,
	"reasons": sort([r | some r in reasons]),
}

halt_contract := "system.halt.intent.v1"

# Table each action is checked against.
action_tables := {"produce": "producers", "consume": "consumers"}

valid_request if {
	non_empty_string(input.agent)
	non_empty_string(input.contract)
	input.action in object.keys(action_tables)
}

# Static paths into data.authz_v1 on purpose: a variable segment right under the
# package (data.authz_v1[x]) would make every rule of the package a dependency
# and trip OPA's recursion check.
permitted if {
	input.action == "produce"
	input.agent in data.authz_v1.producers[input.contract]
}

permitted if {
	input.action == "consume"
	input.agent in data.authz_v1.consumers[input.contract]
}

# The kill switch is consumable by every agent.
permitted if {
	input.action == "consume"
	input.contract == halt_contract
	non_empty_string(input.agent)
}

non_empty_string(x) if {
	is_string(x)
	x != ""
}

reasons contains "INVALID_INPUT: agent must be a non-empty string" if {
	not non_empty_string(input.agent)
}

reasons contains "INVALID_INPUT: contract must be a non-empty string" if {
	not non_empty_string(input.contract)
}

reasons contains "INVALID_INPUT: action must be produce or consume" if {
	not input.action in object.keys(action_tables)
}

reasons contains msg if {
	valid_request
	not permitted
	not contract_listed
	msg := sprintf("UNKNOWN_CONTRACT: %s has no entry in data.authz_v1.%s", [input.contract, action_tables[input.action]])
}

reasons contains msg if {
	valid_request
	not permitted
	contract_listed
	msg := sprintf("NOT_AUTHORIZED: agent %s may not %s %s", [input.agent, input.action, input.contract])
}

contract_listed if {
	input.action == "produce"
	is_array(data.authz_v1.producers[input.contract])
}

contract_listed if {
	input.action == "consume"
	is_array(data.authz_v1.consumers[input.contract])
}
