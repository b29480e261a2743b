# Cross-compile the portable core for the ESP32-C3's ISA (RV32IMC) with
# Debian's riscv64-unknown-elf-gcc and picolibc. The binaries run on
# qemu-system-riscv32's "virt" machine with semihosting for printf and the
# exit code. (ESP-IDF's own toolchain is not installable here; this checks
# that the core is freestanding C99 that builds warning-free for the ISA.)
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR riscv32)
set(CMAKE_C_COMPILER riscv64-unknown-elf-gcc)
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

# `rv32imc_zicsr` is rejected by this gcc; rv32imc is the C3's ISA.
set(SB_RV_ARCH "-march=rv32imc -mabi=ilp32 --specs=picolibc.specs")
set(CMAKE_C_FLAGS_INIT "${SB_RV_ARCH} -Os -ffunction-sections -fdata-sections")
# QEMU virt: RAM at 0x80000000; code and data in the first and second 2 MiB.
# (The compile flags, specs included, are on the link line too.)
set(CMAKE_EXE_LINKER_FLAGS_INIT
    "--oslib=semihost --crt0=semihost -Wl,--gc-sections \
-Wl,--defsym=__flash=0x80000000 -Wl,--defsym=__flash_size=0x200000 \
-Wl,--defsym=__ram=0x80200000 -Wl,--defsym=__ram_size=0x200000 \
-Wl,--defsym=__stack_size=0x8000")
set(CMAKE_CROSSCOMPILING_EMULATOR
    qemu-system-riscv32;-M;virt;-nographic;-bios;none;-semihosting-config;enable=on,target=native;-kernel)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
