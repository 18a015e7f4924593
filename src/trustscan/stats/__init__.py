"""Pure numerical code: group statistics, rates, tests, intervals."""
