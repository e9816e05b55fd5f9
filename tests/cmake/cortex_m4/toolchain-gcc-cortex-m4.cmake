# Cross toolchain for the Cortex-M4 firmware test with a C library:
# arm-none-eabi-gcc and newlib-nano, as most Cortex-M firmware projects build.
# rsmqtt's CMakeLists.txt finds newlib's libc.a through the compiler and
# turns RSMQTT_MEM_FROM_C_LIBRARY on by default, so memcpy and friends must
# come from newlib-nano (tests/cmake/cortex_m4/check_mem_functions.cmake).
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)

find_program(RSMQTT_TEST_ARM_GCC arm-none-eabi-gcc REQUIRED)
set(CMAKE_C_COMPILER "${RSMQTT_TEST_ARM_GCC}")
set(CMAKE_C_FLAGS_INIT
    "-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16 -ffunction-sections -fdata-sections")
# The vector table and Reset_Handler are the program's own (no crt0).
set(CMAKE_EXE_LINKER_FLAGS_INIT "-nostartfiles --specs=nano.specs -Wl,--gc-sections")
# Compiler checks must not try to link a hosted program.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
