# The out-of-tree workflow end to end: installs Norn from the build tree into a fresh
# prefix, configures and builds examples/custom_model against the installed package
# (find_package(norn) + norn_add_model_binary), and runs the model binary's commands.
#   -DBUILD=<norn build dir> -DSOURCE=<examples/custom_model> -DWORK=<scratch dir> -DCOMPILER=<c++>
function(run what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "${what} failed (${result}):\n${out}\n${err}")
  endif()
  set(output "${out}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE ${WORK})
run("install" ${CMAKE_COMMAND} --install ${BUILD} --prefix ${WORK}/prefix)
set(launcher)
find_program(ccache ccache)
if(ccache)
  set(launcher -DCMAKE_CXX_COMPILER_LAUNCHER=${ccache})
endif()
run("configure" ${CMAKE_COMMAND} -S ${SOURCE} -B ${WORK}/build -DCMAKE_PREFIX_PATH=${WORK}/prefix
    -DCMAKE_CXX_COMPILER=${COMPILER} ${launcher})
string(TIMESTAMP start "%s")
run("build" ${CMAKE_COMMAND} --build ${WORK}/build -j 2)
string(TIMESTAMP stop "%s")
math(EXPR seconds "${stop} - ${start}")
message(STATUS "the qif model binary built in ${seconds} s")

set(bin ${WORK}/build/qif-norn)
run("models" ${bin} models qif)
if(NOT output MATCHES "qif" OR NOT output MATCHES "v_peak")
  message(FATAL_ERROR "`qif-norn models qif` does not list qif:\n${output}")
endif()
run("models" ${bin} models)
if(NOT output MATCHES "lif_adex")
  message(FATAL_ERROR "`qif-norn models` lost the built-in models:\n${output}")
endif()
run("simulate" ${bin} simulate --model qif --neurons 50 --steps 200 --input-bernoulli 0.2 --set v_peak=5
    --record v --plot --out ${WORK}/run)
foreach(file spikes.npy v.npy raster.png)
  if(NOT EXISTS ${WORK}/run/${file})
    message(FATAL_ERROR "simulate wrote no ${file}")
  endif()
endforeach()
run("models" ${bin} models qif)
if(NOT output MATCHES "heavy_tail \\(default\\)")
  message(FATAL_ERROR "`qif-norn models qif` does not list its own surrogate as its default:\n${output}")
endif()
run("simulate with gradients" ${bin} simulate --model qif --neurons 4 --steps 200 --input-const 3 --loss spike-count=3
    --surrogate heavy_tail --out ${WORK}/grad)
if(NOT EXISTS ${WORK}/grad/grad_v_peak.npy)
  message(FATAL_ERROR "simulate --loss wrote no parameter gradients")
endif()
run("emit" ${bin} emit qif --backward --surrogate heavy_tail)
if(NOT output MATCHES "qif_backward" OR NOT output MATCHES "bar_v_peak")
  message(FATAL_ERROR "`qif-norn emit qif --backward` printed no adjoint:\n${output}")
endif()
execute_process(COMMAND ${bin} emit no_such_model RESULT_VARIABLE result OUTPUT_QUIET ERROR_VARIABLE err)
if(NOT result EQUAL 2)
  message(FATAL_ERROR "an unknown model must exit with 2, got ${result}: ${err}")
endif()

# The Python package as installed: importable by Debian's interpreter from the prefix, and
# norn.compile() building the same header against the installed CMake package.
if(PYTHON)
  file(GLOB package_dirs ${WORK}/prefix/lib/python3*/*-packages/norn)
  if(NOT package_dirs)
    message(FATAL_ERROR "cmake --install put no norn package under ${WORK}/prefix/lib/python3*/")
  endif()
  list(GET package_dirs 0 package)
  get_filename_component(site ${package} DIRECTORY)
  file(READ ${package}/_paths.py paths)
  if(NOT paths MATCHES "${WORK}/prefix/lib/cmake/norn")
    message(FATAL_ERROR "the installed norn/_paths.py does not name the installed package:\n${paths}")
  endif()
  run("python" ${CMAKE_COMMAND} -E env PYTHONPATH=${site} NORN_CACHE_DIR=${WORK}/python-cache PYTHONDONTWRITEBYTECODE=1
      ${PYTHON} -c "
import numpy as np, norn
assert norn.__file__.startswith('${site}'), norn.__file__
name = norn.compile('${SOURCE}/qif.hpp')
r = norn.simulate(name, np.full((200, 4), 30.0), record='v')
assert r['output'].sum() > 0 and r['v'].shape == (200, 4)
p = norn.Population(name, 4, double=True)
p.forward(np.full((50, 1, 4), 0.01))
assert np.all(np.isfinite(p.backward(grad_states={'v': np.ones((50, 1, 4))})['parameters']['tau_mem_inv']))
print('installed package OK:', name)
")
  # where `cmake --install` puts it by default (prefix /usr/local), Debian's interpreter looks
  run("python path" ${PYTHON} -c "import sys
print(sys.path)")  # no ';': run() takes a list
  execute_process(COMMAND ${PYTHON} -c "import sys; print('%d.%d' % sys.version_info[:2])" OUTPUT_VARIABLE version
                  OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(NOT output MATCHES "/usr/local/lib/python${version}/dist-packages")
    message(FATAL_ERROR "${PYTHON} does not import from /usr/local/lib/python${version}/dist-packages:\n${output}")
  endif()
  get_filename_component(site_name ${site} NAME)
  if(NOT site_name STREQUAL "dist-packages")
    message(FATAL_ERROR "installed into ${site}, not the dist-packages directory Debian's interpreter reads")
  endif()
endif()
