# Installs msmesim from MSMESIM_BUILD_DIR into a scratch prefix, then builds
# and runs the example at EXAMPLE_SOURCE_DIR as a stand-alone project that
# finds msmesim with find_package(msmesim CONFIG REQUIRED).
file(REMOVE_RECURSE ${WORK_DIR})
set(prefix ${WORK_DIR}/prefix)

function(run_step)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "step failed (${rc}): ${ARGN}\n${out}\n${err}")
  endif()
  set(last_output "${out}" PARENT_SCOPE)
endfunction()

run_step(${CMAKE_COMMAND} --install ${MSMESIM_BUILD_DIR} --prefix ${prefix})
run_step(${CMAKE_COMMAND} -S ${EXAMPLE_SOURCE_DIR} -B ${WORK_DIR}/build -G ${GENERATOR}
         -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH=${prefix})
run_step(${CMAKE_COMMAND} --build ${WORK_DIR}/build)
run_step(${WORK_DIR}/build/embed_basic 3000 2)
if(NOT last_output MATCHES "scenario 'bogor-covid19'")
  message(FATAL_ERROR "unexpected example output:\n${last_output}")
endif()
message(STATUS "find_package example ran:\n${last_output}")
