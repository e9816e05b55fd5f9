# Cross toolchain for the Cortex-M4 firmware test: clang compiles for
# arm-none-eabi (hard float) and rust-lld, which every Rust toolchain ships,
# links, under the name ld.lld that clang's -fuse-ld=lld looks for. No C
# library is linked: the firmware must not need one.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)

find_program(RSMQTT_TEST_CLANG clang REQUIRED)
set(CMAKE_C_COMPILER "${RSMQTT_TEST_CLANG}")
set(CMAKE_C_COMPILER_TARGET arm-none-eabi)
# -fshort-enums: clang (unlike arm-none-eabi-gcc and rustc's thumb targets)
# gives enums int size on arm-none-eabi; rsmqtt's bare-metal ARM library uses
# the AAPCS short enums, and core_mqtt_serializer.h refuses a mismatch.
set(CMAKE_C_FLAGS_INIT
    "-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16 -fshort-enums -ffreestanding -ffunction-sections -fdata-sections")
# Compiler checks must not try to link a hosted program.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

execute_process(COMMAND rustc --print sysroot OUTPUT_VARIABLE _sysroot OUTPUT_STRIP_TRAILING_WHITESPACE)
file(GLOB _rust_lld "${_sysroot}/lib/rustlib/*/bin/rust-lld")
if(NOT _rust_lld)
    message(FATAL_ERROR "rust-lld not found under ${_sysroot}")
endif()
list(GET _rust_lld 0 _rust_lld)
set(_lld_dir "${CMAKE_BINARY_DIR}/lld")
file(MAKE_DIRECTORY "${_lld_dir}")
file(CREATE_LINK "${_rust_lld}" "${_lld_dir}/ld.lld" SYMBOLIC)
set(CMAKE_EXE_LINKER_FLAGS_INIT "-nostdlib -fuse-ld=lld -B${_lld_dir} -Wl,--gc-sections")
