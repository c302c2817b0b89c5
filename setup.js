const { Testing } = require("cdktf");

Testing.setupJest();

// Tests run on the machine's Node 20; the functions run on nodejs24.x, where the SDK has nothing to warn about.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
