#pragma once
/// The neuron-model language: include this to declare a model.
#include <dsl/declarations.hpp>
#include <dsl/expr.hpp>
#include <dsl/fixed_string.hpp>
#include <dsl/literals.hpp>
#include <dsl/model.hpp>
#include <dsl/operators.hpp>
#include <dsl/ops.hpp>
#include <dsl/phases.hpp>
#include <dsl/roles.hpp>
#include <dsl/surrogate.hpp>
#include <dsl/surrogates.hpp>
#include <dsl/symbols_of.hpp>
