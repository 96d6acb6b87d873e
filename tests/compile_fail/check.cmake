# Compiles SOURCE and expects failure with every message listed in its "// expect: " lines.
file(STRINGS ${SOURCE} expectations REGEX "^// expect: ")
execute_process(
  COMMAND ${COMPILER} -std=c++20 -fsyntax-only -I${INCLUDE} ${SOURCE}
  RESULT_VARIABLE result
  OUTPUT_VARIABLE output
  ERROR_VARIABLE output)
if(result EQUAL 0)
  message(FATAL_ERROR "${SOURCE} compiled, but it must not")
endif()
foreach(line ${expectations})
  string(REPLACE "// expect: " "" expected "${line}")
  string(FIND "${output}" "${expected}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "compiler output lacks: ${expected}\n--- output ---\n${output}")
  endif()
endforeach()
message(STATUS "failed to compile as expected, with the expected messages")
