# Compiles the kernels of MODEL with the compiler's vectorization report and checks that
# the lane loops (between the NORN-LANE-LOOP markers of codegen/kernel.hpp, forward, and
# codegen/adjoint.hpp, backward) are vectorized with 32-byte (AVX2) vectors.
function(line_of content marker out)
  string(FIND "${content}" "${marker}" at)
  string(SUBSTRING "${content}" 0 ${at} before)
  string(REGEX MATCHALL "\n" newlines "${before}")
  list(LENGTH newlines count)
  math(EXPR line "${count} + 1")
  set(${out} ${line} PARENT_SCOPE)
endfunction()

function(marked_range file out_begin out_end)
  file(READ ${file} content)
  line_of("${content}" "NORN-LANE-LOOP-BEGIN" begin)
  line_of("${content}" "NORN-LANE-LOOP-END" end)
  set(${out_begin} ${begin} PARENT_SCOPE)
  set(${out_end} ${end} PARENT_SCOPE)
endfunction()

separate_arguments(flags UNIX_COMMAND "${FLAGS}")
execute_process(
  COMMAND ${COMPILER} -std=c++20 ${flags} -I${INCLUDE} -DNORN_PROBE_MODEL=${MODEL} -fopt-info-vec-optimized
          -c ${SOURCE} -o ${OUTPUT}
  RESULT_VARIABLE result ERROR_VARIABLE report OUTPUT_VARIABLE report)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "the probe did not compile:\n${report}")
endif()
foreach(part kernel adjoint)
  marked_range(${INCLUDE}/codegen/${part}.hpp begin end)
  string(REGEX MATCHALL "codegen/${part}.hpp:[0-9]+:[0-9]+: optimized: loop vectorized using 32 byte vectors" hits "${report}")
  # the backward is instantiated four times (with and without parameter gradients, per-neuron
  # or uniform parameters): all four count
  set(found 0)
  foreach(hit IN LISTS hits)
    string(REGEX REPLACE "codegen/${part}.hpp:([0-9]+):.*" "\\1" line "${hit}")
    if(line GREATER_EQUAL begin AND line LESS_EQUAL end)
      math(EXPR found "${found} + 1")
    endif()
  endforeach()
  set(needed 1)
  if(part STREQUAL "adjoint")
    set(needed 4)
  endif()
  if(found LESS needed)
    message(FATAL_ERROR "${MODEL}: the lane loop of codegen/${part}.hpp (lines ${begin}-${end}) was not vectorized")
  endif()
  message(STATUS "${MODEL}: codegen/${part}.hpp lane loop vectorized (AVX2)")
endforeach()
