# rsmqtt's stand-in for backoffAlgorithm's backoffAlgorithmFilePaths.cmake.
#
# backoffAlgorithm (v1.4.1 API) is part of librsmqtt.a, so there is nothing to
# compile: BACKOFF_ALGORITHM_SOURCES is empty and the include directory is
# rsmqtt's include/ (backoff_algorithm.h). Targets defined after this include
# in the including directory link rsmqtt::rsmqtt, as with mqttFilePaths.cmake.
if(NOT TARGET rsmqtt::rsmqtt)
    add_subdirectory("${CMAKE_CURRENT_LIST_DIR}" "${CMAKE_BINARY_DIR}/rsmqtt")
endif()

set(BACKOFF_ALGORITHM_SOURCES "")
set(BACKOFF_ALGORITHM_INCLUDE_PUBLIC_DIRS "${CMAKE_CURRENT_LIST_DIR}/include")

link_libraries(rsmqtt::rsmqtt)
