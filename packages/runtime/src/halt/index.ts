export { HALT_CONTRACT, HaltedError, HaltSwitch, type HaltIntent, type HaltListenOptions, type HaltSubject, type HaltSwitchOptions } from './halt';
