# cmake -DPROGRAM=<exe> -DEXPECTED=<file> -P compare_output.cmake
# Runs PROGRAM and fails unless it exits 0 and prints exactly EXPECTED.
execute_process(COMMAND "${PROGRAM}" OUTPUT_VARIABLE actual RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "${PROGRAM} exited with ${status}")
endif()
file(READ "${EXPECTED}" expected)
if(NOT actual STREQUAL expected)
  message(FATAL_ERROR "${PROGRAM} printed:\n${actual}\nexpected (${EXPECTED}):\n${expected}")
endif()
message(STATUS "${PROGRAM}: output matches ${EXPECTED}")
