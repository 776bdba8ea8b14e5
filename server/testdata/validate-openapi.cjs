// Validates the OpenAPI document in the file named by the first argument
// with swagger-parser, which checks it against the OpenAPI Initiative's JSON
// Schema of its version (3.0 or 3.1) and then the rules a schema cannot say
// (unique operation ids, path parameters declared). Prints "valid" or the
// problems, and exits 1 on problems.
const SwaggerParser = require("@apidevtools/swagger-parser");

SwaggerParser.validate(process.argv[2]).then(
  (api) => console.log("valid OpenAPI " + api.openapi),
  (err) => {
    console.error(err.message);
    process.exit(1);
  },
);
