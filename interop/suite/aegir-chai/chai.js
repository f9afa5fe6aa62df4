// Stand-in for 'aegir/chai': chai 4 with the plugins whose assertions @libp2p/interop uses —
// chai-as-promised (`eventually`, `rejected`), chai-bites (`equalBytes`) and chai-parentheses (`ok()`, `exist()`).
// The plugins resolve from the suite's own node_modules (this folder is linked into it).
import chai from 'chai'
import chaiAsPromised from 'chai-as-promised'
import chaiBites from 'chai-bites'
import chaiParentheses from 'chai-parentheses'

chai.use(chaiParentheses)
chai.use(chaiAsPromised)
chai.use(chaiBites)

export const expect = chai.expect
export const assert = chai.assert
export { chai }
