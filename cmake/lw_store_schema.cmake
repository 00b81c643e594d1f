# The store's schema (analyzer/store/schema.sql) becomes lw_store_schema_sql.h in the build
# folder, remade when the .sql changes; lawwatch_core finds it on its private include path.
set(LW_SCHEMA_SQL ${CMAKE_SOURCE_DIR}/analyzer/store/schema.sql)
set(LW_SCHEMA_HEADER ${CMAKE_BINARY_DIR}/generated/lw_store_schema_sql.h)
add_custom_command(OUTPUT ${LW_SCHEMA_HEADER}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/generated
  COMMAND ${CMAKE_COMMAND} -DIN=${LW_SCHEMA_SQL} -DOUT=${LW_SCHEMA_HEADER}
          -P ${CMAKE_SOURCE_DIR}/cmake/lw_embed_sql.cmake
  DEPENDS ${LW_SCHEMA_SQL} ${CMAKE_SOURCE_DIR}/cmake/lw_embed_sql.cmake
  COMMENT "Embedding analyzer/store/schema.sql")
target_sources(lawwatch_core PRIVATE ${LW_SCHEMA_HEADER})
target_include_directories(lawwatch_core PRIVATE ${CMAKE_BINARY_DIR}/generated)

# The PostgreSQL back end's schema (analyzer/store/schema_pg.sql, issue 21) likewise:
# lw_store_schema_pg_sql.h, macros LW_PG_SCHEMA_<SECTION>.
set(LW_SCHEMA_PG_SQL ${CMAKE_SOURCE_DIR}/analyzer/store/schema_pg.sql)
set(LW_SCHEMA_PG_HEADER ${CMAKE_BINARY_DIR}/generated/lw_store_schema_pg_sql.h)
add_custom_command(OUTPUT ${LW_SCHEMA_PG_HEADER}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/generated
  COMMAND ${CMAKE_COMMAND} -DIN=${LW_SCHEMA_PG_SQL} -DOUT=${LW_SCHEMA_PG_HEADER} -DPREFIX=LW_PG_SCHEMA
          -P ${CMAKE_SOURCE_DIR}/cmake/lw_embed_sql.cmake
  DEPENDS ${LW_SCHEMA_PG_SQL} ${CMAKE_SOURCE_DIR}/cmake/lw_embed_sql.cmake
  COMMENT "Embedding analyzer/store/schema_pg.sql")
target_sources(lawwatch_core PRIVATE ${LW_SCHEMA_PG_HEADER})
