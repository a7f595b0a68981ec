# SPDX-License-Identifier: Apache-2.0
# The fake org.bluez's side of the BLE tests: the shared PrivateBus fixture and tst_fakebluez.
#
# prov_test_privatebus: link it (LIBS prov_test_privatebus) to use tests/ble/privatebus.h; it brings
# Qt6::DBus, PROV_SIM_PATH and a build dependency on prov-sim.
add_library(prov_test_privatebus STATIC ${CMAKE_CURRENT_LIST_DIR}/privatebus.cpp ${CMAKE_CURRENT_LIST_DIR}/privatebus.h)
target_include_directories(prov_test_privatebus PUBLIC ${CMAKE_CURRENT_LIST_DIR})
target_link_libraries(prov_test_privatebus PUBLIC Qt6::Core Qt6::DBus PRIVATE prov_warnings)
target_compile_definitions(prov_test_privatebus PRIVATE PROV_SIM_PATH="$<TARGET_FILE:prov-sim>")
add_dependencies(prov_test_privatebus prov-sim)

prov_add_test(tst_fakebluez SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_fakebluez.cpp LABELS ble TIMEOUT 60
    LIBS prov_test_privatebus Qt6::Bluetooth Qt6::DBus)
