# rsmqtt's stand-in for backoffAlgorithm's backoffAlgorithmFilePaths.cmake.
#
# backoffAlgorithm (v1.4.1 API) is rsmqtt's librsmqtt_backoff.a (target
# rsmqtt::backoff), so there is nothing to compile: BACKOFF_ALGORITHM_SOURCES
# is empty and the include directory is rsmqtt's backoff/include
# (backoff_algorithm.h). Targets defined after this include in the including
# directory link rsmqtt::backoff (and through it rsmqtt::rsmqtt), as with
# mqttFilePaths.cmake. An application that keeps backoffAlgorithm's own
# sources simply does not include this file.
if(NOT TARGET rsmqtt::backoff)
    add_subdirectory("${CMAKE_CURRENT_LIST_DIR}" "${CMAKE_BINARY_DIR}/rsmqtt")
endif()

set(BACKOFF_ALGORITHM_SOURCES "")
set(BACKOFF_ALGORITHM_INCLUDE_PUBLIC_DIRS "${CMAKE_CURRENT_LIST_DIR}/backoff/include")

link_libraries(rsmqtt::backoff)
