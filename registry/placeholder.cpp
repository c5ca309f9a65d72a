// placeholder until the module lands
namespace clown {}
