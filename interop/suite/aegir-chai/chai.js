// Stand-in for 'aegir/chai': chai 4 with the plugins whose assertions @libp2p/interop uses —
// chai-as-promised (`eventually`, `rejected`), chai-parentheses (`ok()`, `exist()`) and chai-bites (`equalBytes`).
// They are registered in aegir's order (as-promised, then parentheses, then bites): in another order chained
// assertions such as `.to.have.property('data').that.equalBytes(…)` check the wrong object.
// The plugins resolve from the suite's own node_modules (this folder is linked into it).
import chai from 'chai'
import chaiAsPromised from 'chai-as-promised'
import chaiBites from 'chai-bites'
import chaiParentheses from 'chai-parentheses'

chai.use(chaiAsPromised)
chai.use(chaiParentheses)
chai.use(chaiBites)

export const expect = chai.expect
export const assert = chai.assert
export { chai }
